import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import { bundleHeader, bundleRequest } from '../../../test/support/bundles.js';
import { bundleRecordId, loadBundleBytes, writeBundle } from './bundle.js';

/** Loading a bundle a batch at a time, and what a load that fails midway leaves behind. */
const root = mkdtempSync(join(tmpdir(), 'mileage-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Seven requests, one line of which is not a request (line 5 of the file). */
const bundle = (first: number) => {
  const lines = [bundleHeader(7)];
  for (let n = first; n < first + 7; n++) lines.push(n === first + 3 ? '{"id":"nope"}' : bundleRequest(n));
  return gzipSync(`${lines.join('\n')}\n`);
};

const totals = async (db: Db) =>
  (
    await db.query(
      'SELECT count(*)::INTEGER AS n, sum(input_tokens)::INTEGER AS input, sum(output_tokens)::INTEGER AS output FROM usage',
    )
  )[0];

describe('bundles', () => {
  it('staged in batches of two give what one batch gives, and name the bad line', async () => {
    const whole = await openStore(join(root, 'whole.duckdb'));
    const batched = await openStore(join(root, 'batched.duckdb'));
    try {
      const one = await loadBundleBytes(whole, bundle(1), 'a.jsonl.gz');
      const many = await loadBundleBytes(batched, bundle(1), 'a.jsonl.gz', undefined, 2);
      expect(many.records).toBe(6);
      expect(many.problems).toEqual(one.problems);
      expect(many.problems.map((p) => [p.file, p.line])).toEqual([['a.jsonl.gz', 5]]);
      expect(await totals(batched)).toEqual(await totals(whole));
      expect(await totals(batched)).toEqual({ n: 6, input: 1 + 2 + 3 + 5 + 6 + 7, output: 240 });
    } finally {
      await whole.close();
      await batched.close();
    }
  });

  it('a load that fails midway keeps nothing, and the next load stores only its own requests', async () => {
    const db = await openStore(join(root, 'failing.duckdb'));
    try {
      let calls = 0;
      const stage = db.agentLogs.stageBundleRows.bind(db.agentLogs);
      db.agentLogs.stageBundleRows = async (...args) => {
        calls += 1;
        if (calls === 2) throw new Error('disk full');
        return stage(...args);
      };
      await expect(loadBundleBytes(db, bundle(1), 'a.jsonl.gz', undefined, 2)).rejects.toThrow('disk full');
      expect(await totals(db)).toEqual({ n: 0, input: null, output: null });
      db.agentLogs.stageBundleRows = stage;
      await loadBundleBytes(db, bundle(100), 'b.jsonl.gz');
      expect(await totals(db)).toEqual({ n: 6, input: 100 + 101 + 102 + 104 + 105 + 106, output: 6180 });
    } finally {
      await db.close();
    }
  });

  it('written as a header member and the store’s member, reads back to the same requests', async () => {
    const from = await openStore(join(root, 'from.duckdb'));
    const to = await openStore(join(root, 'to.duckdb'));
    try {
      await loadBundleBytes(from, bundle(1), 'a.jsonl.gz');
      const out = join(root, 'again.jsonl.gz');
      const head = await writeBundle(from, out, ['claude-code-logs'], {
        user: 'dev@example.com',
        machineId: 'm:0123456789abcdef',
      });
      expect(head.requests).toBe(6);
      const again = await loadBundleBytes(to, (await import('node:fs')).readFileSync(out), out);
      expect(again.problems).toEqual([]);
      expect(await totals(to)).toEqual(await totals(from));
      const costs = 'SELECT cost, cost_basis, start_at FROM usage ORDER BY start_at, cost';
      expect(await to.query(costs)).toEqual(await from.query(costs));
      // The receiving store derives its own ids: each request's key in the bundle, in its source's bundle namespace.
      const ids = async (db: Db) =>
        (await db.query('SELECT id, source FROM usage')).map((r) => String(r.id)).sort();
      const derived = (await from.query('SELECT id, source FROM usage'))
        .map((r) => bundleRecordId(String(r.source), String(r.id)))
        .sort();
      expect(await ids(to)).toEqual(derived);
    } finally {
      await from.close();
      await to.close();
    }
  });
});
