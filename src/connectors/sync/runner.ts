import { MileageError } from '../../domain/errors.js';
import { formatProblem, type Problem } from '../../domain/parse-result.js';
import type { Db } from '../../store/db.js';
import { later, type Connector } from './connector.js';
import { readCursor, writeCursor, type SyncCursor } from './cursor.js';
import { recall, remember } from './memory.js';

export interface SyncProgress {
  source: string;
  pages: number;
  records: number;
}

export interface SyncOptions {
  /** Start the window here instead of at the cursor (a fresh run; the watermark only ever moves forward). */
  since?: Date | undefined;
  /** Aborting stops after the page being stored; the cursor then resumes exactly there. */
  signal?: AbortSignal | undefined;
  onProgress?: (p: SyncProgress) => void;
}

export interface SyncSummary {
  source: string;
  type: string;
  /** Whether this run continued an interrupted one. */
  resumed: boolean;
  since: string | null;
  pages: number;
  records: number;
  written: number;
  alreadyStored: number;
  requests: number;
  retries: number;
  problems: Problem[];
  /** The watermark stored for the next run. */
  watermark: string | null;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
const date = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);

/** The window a run lists: --since, else an interrupted run's own, else an overlap before the watermark. */
function startOf(connector: Connector, cursor: SyncCursor, since: Date | undefined) {
  if (since !== undefined) return { since, position: null, high: null, pages: 0, resumed: false };
  if (cursor.run !== null) {
    return {
      since: date(cursor.run.since),
      position: cursor.run.next,
      high: date(cursor.run.high),
      pages: cursor.run.pages,
      resumed: true,
    };
  }
  const watermark = date(cursor.watermark);
  return {
    since: watermark ? new Date(watermark.getTime() - connector.overlapMs) : connector.initialSince,
    position: null,
    high: null,
    pages: 0,
    resumed: false,
  };
}

/**
 * Runs one source's sync. Each page is appended as it arrives and only then does the cursor advance, so a
 * run stopped anywhere (killed, aborted, an upstream error) resumes at the first page not stored; record
 * ids are deterministic and appends idempotent, so the resumed run ends with exactly the records of an
 * uninterrupted one. A completed run moves the watermark to the newest updated-at it saw.
 */
export async function runSync(db: Db, connector: Connector, opts: SyncOptions = {}): Promise<SyncSummary> {
  const cursor = await readCursor(db, connector.name);
  const start = startOf(connector, cursor, opts.since);
  const summary: SyncSummary = {
    source: connector.name,
    type: connector.type,
    resumed: start.resumed,
    since: iso(start.since),
    pages: 0,
    records: 0,
    written: 0,
    alreadyStored: 0,
    requests: 0,
    retries: 0,
    problems: [],
    watermark: cursor.watermark,
  };
  let high = start.high;
  let pagesInRun = start.pages;
  const stats0 = { ...connector.stats };
  const count = () => {
    summary.requests = connector.stats.requests - stats0.requests;
    summary.retries = connector.stats.retries - stats0.retries;
  };
  try {
    const from = {
      since: start.since,
      position: start.position,
      recall: (keys: readonly string[]) => recall(db, connector.name, keys),
    };
    for await (const page of connector.pages(from, opts.signal)) {
      // An answer that is no page at all stops the sync before anything of it is written: the cursor stays
      // on the last good page, so the next run asks again instead of skipping what this page should hold.
      const notAPage = page.problems.find((p) => p.wholePage);
      if (notAPage) throw new MileageError('upstream', formatProblem(notAPage));
      const outcomes = page.outcomes ?? [];
      const usage = page.usage ?? [];
      const seats = page.seats ?? [];
      const activity = page.activity ?? [];
      const absences = page.absences ?? [];
      const activeUsers = page.activeUsers ?? [];
      const stored = [
        await db.appendOutcomes(outcomes),
        await db.appendUsage(usage),
        await db.appendSeats(seats),
        await db.appendSeatActivity(activity),
        await db.appendAbsences(absences),
        // Only sources that count active users ask for it (a store without the table says so then).
        activeUsers.length > 0 ? await db.appendActiveUsers(activeUsers) : { written: 0, alreadyStored: 0 },
      ];
      // What the page remembers is kept with its records: a run stopped before the cursor moves re-reads the
      // page and finds either the old values (and writes the same records again) or the new ones.
      await remember(db, connector.name, page.remember ?? []);
      high = later(high, page.high);
      pagesInRun++;
      await writeCursor(db, connector.name, {
        version: 1,
        watermark: cursor.watermark,
        run: { since: iso(start.since), next: page.next, high: iso(high), pages: pagesInRun },
      });
      summary.pages++;
      summary.records +=
        outcomes.length +
        usage.length +
        seats.length +
        activity.length +
        absences.length +
        activeUsers.length;
      for (const r of stored) {
        summary.written += r.written;
        summary.alreadyStored += r.alreadyStored;
      }
      summary.problems.push(...page.problems);
      // Records the store's check refused (out of bounds: domain/record-bounds.ts), one problem per bad field.
      for (const r of stored)
        for (const rejected of r.refused ?? [])
          for (const p of rejected.problems)
            summary.problems.push({
              file: connector.name,
              line: null,
              field: p.field,
              message: `record ${rejected.id.slice(0, 12)} rejected: ${p.message}`,
            });
      opts.onProgress?.({ source: connector.name, pages: summary.pages, records: summary.records });
      opts.signal?.throwIfAborted();
    }
  } finally {
    count();
  }
  const watermark = iso(later(date(cursor.watermark), high));
  await writeCursor(db, connector.name, { version: 1, watermark, run: null });
  summary.watermark = watermark;
  return summary;
}
