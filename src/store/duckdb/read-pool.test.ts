import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { recordId } from '../../domain/ids.js';
import { usd } from '../../domain/money.js';
import type { UsageRecord } from '../../domain/usage.js';
import { openStore } from '../open.js';
import { asOneJob } from '../read-order.js';
import { ReadPool } from './read-pool.js';

function rec(key: string, cost: string): UsageRecord {
  const at = new Date('2026-07-02T12:00:00Z');
  return {
    id: recordId('logs', key),
    source: 'logs',
    stream: 'anthropic:acme',
    granularity: 'request',
    start: at,
    end: at,
    tool: 'claude-code',
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    tokens: { input: 100, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
    requests: 1,
    cost: { amount: usd(cost), basis: 'list_estimate', priceRef: 'test' },
    hints: {},
  };
}

describe('read pool', () => {
  it('lends each connection to one reader at a time and hands it to waiters in arrival order', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const pool = await ReadPool.open(instance, 2, async () => {});
    const events: string[] = [];
    const releases: (() => void)[] = [];
    const borrow = (name: string) =>
      pool.use(async (conn) => {
        events.push(`start ${name}`);
        await new Promise<void>((r) => releases.push(r));
        events.push(`end ${name}`);
        return conn;
      });
    const a = borrow('a');
    const b = borrow('b');
    const c = borrow('c');
    const d = borrow('d');
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['start a', 'start b']);
    releases.shift()?.();
    const connA = await a;
    // A freed connection is handed on after one turn of the event loop (the reader's next statement may come).
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['start a', 'start b', 'end a', 'start c']);
    releases.shift()?.();
    releases.shift()?.();
    await Promise.all([b, c]);
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    releases.shift()?.();
    const [connC, connD] = await Promise.all([c, d]);
    // c got a's connection (the first one freed); the two readers never shared one at once.
    expect(connC).toBe(connA);
    expect(connD).not.toBe(connC);
    expect(events.slice(-1)).toEqual(['end d']);
    pool.close();
    instance.closeSync();
  });

  it('hands a freed connection to the oldest job waiting: a request under way finishes before a newer one', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const pool = await ReadPool.open(instance, 1, async () => {});
    const served: string[] = [];
    const gates = new Map<string, () => void>();
    const read = (name: string) =>
      pool.use(async () => {
        served.push(name);
        await new Promise<void>((r) => gates.set(name, r));
      });
    const tick = () => new Promise((r) => setImmediate(r));
    const open = async (name: string) => {
      gates.get(name)?.();
      for (let i = 0; i < 3; i++) await tick();
    };
    const busy = read('busy');
    await tick();
    // Request A starts first; its second statement is asked only after its first is answered, and request
    // B arrives in between: B's statement waits longer than A's second, yet A's goes first.
    let aSecond: Promise<void> | undefined;
    const a = asOneJob(async () => {
      await read('a1');
      aSecond = read('a2');
      await aSecond;
    });
    const b = asOneJob(() => read('b1'));
    const outside = read('no job');
    await tick();
    await open('busy');
    expect(served).toEqual(['busy', 'a1']);
    await open('a1');
    expect(served).toEqual(['busy', 'a1', 'a2']);
    await open('a2');
    await open('b1');
    await open('no job');
    await Promise.all([busy, a, b, outside, aSecond]);
    // Work outside any job is ranked by when it was asked: after B, which started before it.
    expect(served).toEqual(['busy', 'a1', 'a2', 'b1', 'no job']);
    pool.close();
    instance.closeSync();
  });

  it('reads during a ledger refresh see the whole old ledger or the whole new one, never a mix', async () => {
    const db = await openStore(':memory:', { readConnections: 2 });
    await db.appendUsage([rec('a', '1.25'), rec('b', '2.50')]);
    await db.refreshLedger();
    await db.appendUsage([rec('c', '10.00')]);
    const read = async () => {
      const [row] = await db.query(
        `SELECT CAST((SELECT sum(cost) FROM ledger) AS VARCHAR) AS entries,
           CAST((SELECT sum(cost) FROM ledger_daily) AS VARCHAR) AS daily`,
      );
      return `${Number(row?.entries)}/${Number(row?.daily)}`;
    };
    let done = false;
    const refresh = db.refreshLedger().then(() => (done = true));
    const seen = new Set<string>();
    while (!done) seen.add(await read());
    await refresh;
    seen.add(await read());
    expect([...seen].every((s) => s === '3.75/3.75' || s === '13.75/13.75')).toBe(true);
    expect(seen.has('13.75/13.75')).toBe(true);
    await db.close();
  });

  it('sends statements that write to the writer, and reads see them once committed', async () => {
    const db = await openStore(':memory:', { readConnections: 2 });
    await db.query("INSERT INTO meta VALUES ('probe', 'one')");
    await db.query("UPDATE meta SET value = 'two' WHERE key = 'probe'");
    const rows = await Promise.all([1, 2, 3].map(() => db.getMeta('probe')));
    expect(rows).toEqual(['two', 'two', 'two']);
    const [viaPool] = await db.query("SELECT value FROM meta WHERE key = 'probe'");
    expect(viaPool?.value).toBe('two');
    await db.close();
  });
});
