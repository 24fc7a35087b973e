import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MileageError } from '../../src/domain/errors.js';
import { readCursor } from '../../src/connectors/sync/cursor.js';
import { runSync, type SyncSummary } from '../../src/connectors/sync/runner.js';
import { memoryDb } from '../support/apis.js';
import { fakeClock } from '../support/fake-clock.js';
import { killAndResume } from '../support/kill-resume.js';
import { ReplayServer } from '../support/replay-server.js';
import { contractConnector, type ContractCase } from './contract-table.js';

/**
 * The contract every connector keeps, old and new, each against its replayed documented responses: a 429
 * with Retry-After is waited out for the time given, 5xx answers are retried, a malformed body stops the sync
 * with an upstream error naming the request and a resumed run completes it, a sync killed midway and resumed
 * stores exactly what an uninterrupted one does, bad items are skipped and listed, and the secret never shows
 * in any output (summaries, errors, stored cursors, stored records).
 */
export function contractSuite(cases: ContractCase[]): void {
  describe.each(cases)('connector contract: $type', (c: ContractCase) => {
    let server: ReplayServer;
    let expected: Record<string, unknown>[];
    let baseline: SyncSummary;
    const outputs: string[] = [];
    const make = (clock = fakeClock()) => contractConnector(c, server.url, { clock });

    beforeAll(async () => {
      server = await ReplayServer.start();
      c.serve(server);
      const db = await memoryDb();
      baseline = await runSync(db, make());
      expected = await c.read(db);
      outputs.push(
        JSON.stringify(baseline),
        JSON.stringify(expected),
        JSON.stringify(await db.query('SELECT * FROM meta')),
      );
      await db.close();
    });
    afterAll(async () => {
      // Nothing secret in any output the suite saw, nor in what the server was sent outside the auth header.
      const everything = outputs.join('\n');
      expect(everything).not.toContain(c.secret);
      await server.close();
    });

    it('stores records and lists each bad item with its place, skipping it', () => {
      expect(expected.length).toBeGreaterThan(0);
      expect(baseline.problems).toHaveLength(c.badItems);
      for (const p of baseline.problems) {
        expect(p.file).toBeTruthy();
        expect(p.field).toBeTruthy();
      }
    });

    it('waits out a 429 for its Retry-After and retries 5xx; the same records', async () => {
      const [method, path] = c.route;
      server.script(method, path, {
        status: 429,
        headers: { 'retry-after': '7' },
        json: { message: 'rate limited' },
      });
      server.script(
        method,
        path,
        { status: 503, text: 'busy' },
        { status: 502, text: '<html>bad gateway</html>' },
      );
      const clock = fakeClock();
      const db = await memoryDb();
      const s = await runSync(db, make(clock));
      outputs.push(JSON.stringify(s));
      expect(clock.waits[0]).toBe(7000);
      expect(clock.waits).toHaveLength(3);
      expect(s.retries).toBe(3);
      expect(await c.read(db)).toEqual(expected);
      await db.close();
    });

    it('a malformed body stops the sync with an upstream error naming the request; resuming completes it', async () => {
      const [method, path] = c.route;
      const db = await memoryDb();
      for (const bad of [{ text: '{"values": [' }, { json: { unexpected: 'shape' } }]) {
        server.script(method, path, bad);
        const error = await runSync(db, make()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MileageError);
        expect((error as MileageError).code).toBe('upstream');
        expect((error as Error).message).toContain(`${method} 127.0.0.1:`);
        outputs.push(String(error), JSON.stringify((error as MileageError).hint ?? ''));
      }
      await runSync(db, make());
      expect(await c.read(db)).toEqual(expected);
      await db.close();
    });

    it('killed after a page and resumed: exactly the records of an uninterrupted sync', async () => {
      const r = await killAndResume(() => make(), c.killAfter, c.read);
      outputs.push(r.metaText, JSON.stringify(r.resumed), JSON.stringify(r.cursorAfterKill));
      expect(r.killError).toEqual(new Error('killed'));
      expect(r.cursorAfterKill.run?.pages).toBe(c.killAfter);
      expect(r.partial.length).toBeLessThanOrEqual(r.expected.length);
      expect(r.resumed.resumed).toBe(true);
      expect(r.after).toEqual(r.expected);
      expect(r.after).toEqual(expected);
      expect(
        (await readCursor(r.db, contractConnector(c, server.url, { clock: fakeClock() }).name)).run,
      ).toBeNull();
      await r.db.close();
    });
  });
}
