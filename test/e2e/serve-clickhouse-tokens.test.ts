import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';
import { otlpBatches, postStatus, startServe, storedTotals, truthOf } from '../support/clickhouse-serve.js';
import { mileage } from './cli.js';

/**
 * Issue 23: ingest tokens over ClickHouse. A token made with `mileage tokens create --store clickhouse://…` is
 * accepted by every `serve --otlp-token-required` over that database; without it the receiver answers 401 and
 * stores nothing; once revoked (from the CLI, as another process), a server that had not seen it refuses it.
 */
describe.skipIf(!clickhouseAvailable())('serve --otlp-token-required over ClickHouse', () => {
  let server: TestClickHouse;
  let cwd: string;
  const store = () => `clickhouse://default@127.0.0.1:${server.httpPort}/tokens`;

  beforeAll(async () => {
    server = await startClickHouse();
    cwd = mkdtempSync(join(tmpdir(), 'mileage-ch-tokens-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('takes records only with a stored ingest token, on any server of the database', async () => {
    const made = await mileage(
      ['tokens', 'create', '--role', 'ingest', '--name', 'exporters', '--store', store(), '--json'],
      { cwd },
    );
    expect(made.code, made.stderr).toBe(0);
    const { token, id } = JSON.parse(made.stdout) as { token: string; id: string };
    const [a, b] = await Promise.all([
      startServe(store(), cwd, [], ['--otlp-token-required']),
      startServe(store(), cwd, [], ['--otlp-token-required']),
    ]);
    try {
      const batches = otlpBatches(3, 20, 'tok');
      expect(await postStatus(a.url, batches[0]!)).toBe(401);
      expect(await postStatus(a.url, batches[0]!, 'mlg_not-a-token')).toBe(401);
      expect(await postStatus(a.url, batches[0]!, token)).toBe(200);
      // Revoked from the CLI (another process): b has never seen the token, so it asks the store and refuses.
      const revoked = await mileage(['tokens', 'revoke', id, '--store', store()], { cwd });
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(await postStatus(b.url, batches[1]!, token)).toBe(401);
      const listed = await mileage(['tokens', 'list', '--store', store(), '--json'], { cwd });
      expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'exporters', role: 'ingest' }]);
      expect((JSON.parse(listed.stdout) as { revokedAt: string | null }[])[0]?.revokedAt).not.toBeNull();
    } finally {
      expect(await a.stop(), a.stderr()).toBe(0);
      expect(await b.stop(), b.stderr()).toBe(0);
    }
    // Only the batch sent with the live token was stored.
    expect(await storedTotals(server.url, 'tokens')).toEqual(truthOf([otlpBatches(3, 20, 'tok')[0]!]));
  }, 120_000);
});
