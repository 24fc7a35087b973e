import { describe, expect, it } from 'vitest';
import { memoryDb } from '../../../test/support/apis.js';
import { recordId } from '../../domain/ids.js';
import { notAPage } from '../../sources/each-item.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import type { Db } from '../../store/db.js';
import type { Connector, SyncFrom, SyncPage } from './connector.js';
import { cursorKey, readCursor } from './cursor.js';
import { runSync } from './runner.js';

function ticket(n: number, at: string): OutcomeRecord {
  return {
    id: recordId('test', n),
    source: 'test',
    kind: 'ticket_closed',
    at: new Date(at),
    openedAt: null,
    actor: null,
    repo: null,
    ref: `T-${n}`,
    headBranch: null,
    linkedTickets: [],
    size: null,
    points: 1,
    pointsBasis: 'estimate',
    aiAssisted: false,
    aiEvidence: null,
    rework: false,
    reworkReason: null,
    category: 'unknown',
    workType: null,
    workflow: null,
    count: 1,
    value: null,
  };
}

/** Three pages of two tickets; records every `from` it was asked to list. */
function fakeConnector(calls: SyncFrom[] = []): Connector {
  const pages: SyncPage[] = [0, 1, 2].map((p) => ({
    outcomes: [
      ticket(p * 2, `2026-07-0${p + 1}T10:00:00Z`),
      ticket(p * 2 + 1, `2026-07-0${p + 1}T11:00:00Z`),
    ],
    problems: [],
    next: p < 2 ? String(p + 1) : null,
    high: new Date(`2026-07-0${p + 1}T12:00:00Z`),
  }));
  return {
    name: 'tracker',
    type: 'test',
    initialSince: new Date('2026-06-01T00:00:00Z'),
    overlapMs: 3600_000,
    stats: { requests: 0, retries: 0, waitedMs: 0 },
    async *pages(from) {
      calls.push({ since: from.since, position: from.position });
      for (let i = from.position === null ? 0 : Number(from.position); i < pages.length; i++) {
        await Promise.resolve();
        yield pages[i] as SyncPage;
      }
    },
  };
}

const refs = async (db: Db) => (await db.query('SELECT ref FROM outcomes ORDER BY ref')).map((r) => r.ref);

describe('sync runner', () => {
  it('first run from initialSince; the next from the watermark minus the overlap', async () => {
    const db = await memoryDb();
    const calls: SyncFrom[] = [];
    const s = await runSync(db, fakeConnector(calls));
    expect(s).toMatchObject({
      pages: 3,
      records: 6,
      written: 6,
      alreadyStored: 0,
      watermark: '2026-07-03T12:00:00.000Z',
    });
    await runSync(db, fakeConnector(calls));
    expect(calls.map((c) => [c.since?.toISOString(), c.position])).toEqual([
      ['2026-06-01T00:00:00.000Z', null],
      ['2026-07-03T11:00:00.000Z', null],
    ]);
  });

  it('the cursor moves only after a page is stored: a failing store leaves it on the last stored page', async () => {
    const db = await memoryDb();
    let appends = 0;
    const failing: Db = Object.create(db) as Db;
    failing.appendOutcomes = (records) => {
      appends++;
      if (appends === 2) return Promise.reject(new Error('disk full'));
      return db.appendOutcomes(records);
    };
    await expect(runSync(failing, fakeConnector())).rejects.toThrow('disk full');
    expect(await readCursor(db, 'tracker')).toEqual({
      version: 1,
      watermark: null,
      run: { since: '2026-06-01T00:00:00.000Z', next: '1', high: '2026-07-01T12:00:00.000Z', pages: 1 },
    });
    expect(await refs(db)).toEqual(['T-0', 'T-1']);

    const calls: SyncFrom[] = [];
    const resumed = await runSync(db, fakeConnector(calls));
    expect(calls).toEqual([{ since: new Date('2026-06-01T00:00:00Z'), position: '1' }]);
    expect(resumed).toMatchObject({ resumed: true, pages: 2, records: 4 });
    expect(await refs(db)).toEqual(['T-0', 'T-1', 'T-2', 'T-3', 'T-4', 'T-5']);
  });

  it('an answer that is no page (notAPage) fails the sync naming it, and the cursor stays on the last good page', async () => {
    const db = await memoryDb();
    const connector = fakeConnector();
    const good = connector.pages.bind(connector);
    connector.pages = async function* (from, signal) {
      let i = 0;
      for await (const page of good(from, signal)) {
        // The second answer is an error body the parser could not read as a page.
        const bad: SyncPage = {
          problems: notAPage<never>('GET tracker/search page 2', null, 'expected a page').problems,
          next: '2',
          high: page.high,
        };
        yield i++ === 1 ? bad : page;
      }
    };
    await expect(runSync(db, connector)).rejects.toThrow('GET tracker/search page 2: expected a page');
    expect((await readCursor(db, 'tracker'))?.run?.next).toBe('1');
    expect(await refs(db)).toEqual(['T-0', 'T-1']);
  });

  it('--since starts a fresh run and never moves the watermark back', async () => {
    const db = await memoryDb();
    await db.setMeta(
      cursorKey('tracker'),
      JSON.stringify({
        version: 1,
        watermark: '2026-08-01T00:00:00.000Z',
        run: { since: null, next: '2', high: null, pages: 2 },
      }),
    );
    const calls: SyncFrom[] = [];
    const s = await runSync(db, fakeConnector(calls), { since: new Date('2026-07-01T00:00:00Z') });
    expect(calls).toEqual([{ since: new Date('2026-07-01T00:00:00Z'), position: null }]);
    expect(s.watermark).toBe('2026-08-01T00:00:00.000Z');
  });

  it('an unreadable cursor starts afresh', async () => {
    const db = await memoryDb();
    await db.setMeta(cursorKey('tracker'), '{not json');
    const calls: SyncFrom[] = [];
    await runSync(db, fakeConnector(calls));
    expect(calls[0]).toEqual({ since: new Date('2026-06-01T00:00:00Z'), position: null });
  });

  it('what a page remembers is kept for the source and recalled by the next run; unknown keys stay unknown', async () => {
    const db = await memoryDb();
    const recalled: Map<string, number>[] = [];
    const remembering = (value: number): Connector => ({
      ...fakeConnector(),
      name: 'docs',
      async *pages(from: SyncFrom) {
        recalled.push((await from.recall?.(['page-a', 'page-b'])) ?? new Map<string, number>());
        yield { problems: [], next: null, high: null, remember: [{ key: 'page-a', value }] };
      },
    });
    await runSync(db, remembering(140));
    await runSync(db, remembering(290));
    expect(recalled).toEqual([new Map(), new Map([['page-a', 140]])]);
    // Kept per source: another source's run recalls nothing of it.
    const other = { ...remembering(1), name: 'other-docs' };
    await runSync(db, other);
    expect(recalled[2]).toEqual(new Map());
  });
});
