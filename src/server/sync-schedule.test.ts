import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connector, SyncPage } from '../connectors/sync/connector.js';
import { outcome } from '../metrics/testing/fixture.js';
import { PriceBook } from '../pricing/price-book.js';
import type { Db } from '../store/db.js';
import { openStore } from '../store/open.js';
import { Maintenance } from './maintenance.js';
import { ServerStats } from './stats.js';
import { SyncSchedule } from './sync-schedule.js';

/** A source outside this machine, as the runner sees it: pages of merged PRs, released when the test says. */
function source(
  name: string,
  ids: string[],
  gate: Promise<void> = Promise.resolve(),
  fail = false,
): Connector {
  return {
    name,
    type: 'test',
    initialSince: null,
    overlapMs: 0,
    stats: { requests: 0, retries: 0, waitedMs: 0 },
    async *pages(): AsyncIterable<SyncPage> {
      await gate;
      if (fail) throw new Error(`${name} answered 503`);
      yield {
        outcomes: ids.map((id) => outcome({ day: '2026-10-01', id, actor: 'ana@acme.com', points: 2 })),
        problems: [],
        next: null,
        high: new Date('2026-10-01T12:00:00Z'),
      };
    },
  };
}

let db: Db;
beforeEach(async () => {
  db = await openStore(':memory:');
});
afterEach(async () => db.close());

function schedule(connectors: () => Promise<Connector[]>, stats: ServerStats, log: string[]) {
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.catch(() => undefined);
    return next;
  };
  const maintenance = new Maintenance(db, new PriceBook([]), exclusive);
  return new SyncSchedule({
    db,
    connectors,
    intervalMs: 60_000,
    maintenance,
    stats,
    log: (m) => log.push(m),
  });
}

describe('scheduled syncs', () => {
  it('never overlaps runs: a tick during a run is skipped and counted', async () => {
    let release = () => undefined as void;
    const gate = new Promise<void>((r) => (release = r));
    const stats = new ServerStats();
    const s = schedule(() => Promise.resolve([source('github', ['p1', 'p2'], gate)]), stats, []);
    const first = s.tick();
    expect(await s.tick()).toBe('skipped');
    release();
    expect(await first).toBe('ran');
    expect(stats.value('mileage_sync_runs_total', { source: 'all', result: 'skipped' })).toBe(1);
    expect(stats.value('mileage_sync_runs_total', { source: 'github', result: 'ok' })).toBe(1);
    const [n] = await db.query('SELECT count(*) AS n FROM outcomes');
    expect(Number(n?.n)).toBe(2);
    // The next run is incremental and stores nothing twice.
    expect(await s.tick()).toBe('ran');
    const [again] = await db.query('SELECT count(*) AS n FROM outcomes');
    expect(Number(again?.n)).toBe(2);
    await s.stop();
  });

  it('logs and counts a failing source, and syncs the others', async () => {
    const stats = new ServerStats();
    const log: string[] = [];
    const s = schedule(
      () => Promise.resolve([source('jira', [], Promise.resolve(), true), source('linear', ['t1'])]),
      stats,
      log,
    );
    await s.tick();
    expect(stats.value('mileage_sync_runs_total', { source: 'jira', result: 'failed' })).toBe(1);
    expect(stats.value('mileage_sync_runs_total', { source: 'linear', result: 'ok' })).toBe(1);
    expect(log.join('\n')).toMatch(/jira failed: .*503/);
    const [n] = await db.query('SELECT count(*) AS n FROM outcomes');
    expect(Number(n?.n)).toBe(1);
    expect(stats.render()).toMatch(/mileage_sync_runs_total\{source="jira",result="failed"\} 1/);
  });
});
