import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';
import { startMockLlm, type MockLlm } from '../support/mock-llm.js';
import { CLI, mileage } from './cli.js';

/**
 * Issue 23: `mileage gateway --store clickhouse://…`. A key made with `mileage keys create --store …` is the
 * gateway's key (read from ClickHouse's gateway_keys table); every answered request becomes one usage record in
 * ClickHouse, tagged with the key's team and workflow, whose tokens are what the provider (a local mock in the
 * documented shapes) reported; an unknown key is refused and stores nothing.
 */
describe.skipIf(!clickhouseAvailable())('the gateway over ClickHouse', () => {
  let server: TestClickHouse;
  let mock: MockLlm;
  let cwd: string;
  const store = () => `clickhouse://default@127.0.0.1:${server.httpPort}/gw`;

  beforeAll(async () => {
    server = await startClickHouse();
    mock = await startMockLlm();
    cwd = mkdtempSync(join(tmpdir(), 'mileage-ch-gateway-'));
  });
  afterAll(async () => {
    await mock?.close();
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('meters every request into ClickHouse under the key made there', async () => {
    const made = await mileage(
      ['keys', 'create', '--team', 'payments', '--workflow', 'bot', '--store', store()],
      { cwd },
    );
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim();
    const child = spawn(
      process.execPath,
      [CLI, 'gateway', '--store', store(), '--port', '0', '--spool', join(cwd, 'spool')],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: cwd,
          NO_COLOR: '1',
          OPENAI_API_KEY: 'sk-test-upstream',
          MILEAGE_GATEWAY_OPENAI_URL: `${mock.url}/v1`,
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim()));
      void closed.then((code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
    });
    const ask = (bearer: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Say hello.' }] }),
      });
    for (let i = 0; i < 5; i++) expect((await ask(key)).status).toBe(200);
    expect((await ask('sk-mlg-unknown')).status).toBe(401);
    child.kill('SIGTERM');
    expect(await closed, stderr).toBe(0);

    const sql = `SELECT count() AS n, groupUniqArray(team_tag) AS teams, groupUniqArray(workflow) AS workflows,
        sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens
      FROM gw.usage FINAL WHERE source = 'gateway' FORMAT JSONEachRow`;
    const res = await fetch(`${server.url}/?query=${encodeURIComponent(sql)}`);
    const row = JSON.parse(await res.text()) as {
      n: number;
      teams: string[];
      workflows: string[];
      tokens: string | number;
    };
    expect(Number(row.n)).toBe(5);
    expect(row.teams).toEqual(['payments']);
    expect(row.workflows).toEqual(['bot']);
    expect(mock.sent.size).toBe(5);
    expect(Number(row.tokens)).toBe([...mock.sent.values()].reduce((a, b) => a + b, 0));
  }, 60_000);
});
