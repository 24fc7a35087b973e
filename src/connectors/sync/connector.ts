import type { Problem } from '../../domain/parse-result.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import type { ReportedActiveUsers, SeatActivity, SeatRecord } from '../../domain/seat.js';
import type { AbsenceRecord } from '../../domain/capacity.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { HttpStats } from '../http/client.js';
import type { Remembered } from './memory.js';

/** Where a listing starts: the window's first instant, and a position inside it when resuming. */
export interface SyncFrom {
  /** Items updated at or after this instant; null for everything the source keeps. */
  since: Date | null;
  /** Opaque to the runner: the connector's own page position (a GraphQL cursor, a page number, a token). */
  position: string | null;
  /**
   * What this source remembered of items at its earlier runs (`remember` of its pages), by key; absent when the
   * caller keeps no memory (a listing run outside the runner).
   */
  recall?: (keys: readonly string[]) => Promise<Map<string, number>>;
}

/** One page as the connector maps it: records, the problems of bad items, and where the next page starts. */
export interface SyncPage {
  outcomes?: OutcomeRecord[];
  usage?: UsageRecord[];
  /** Seats a vendor lists, and the days their holders were active. */
  seats?: SeatRecord[];
  activity?: SeatActivity[];
  /** Calendar absences (capacity): each replaces the days stored for its event. */
  absences?: AbsenceRecord[];
  /** Active users a vendor counts per project and day, without naming them. */
  activeUsers?: ReportedActiveUsers[];
  /** Numbers to remember about items for the next runs (a document's size), stored with the page. */
  remember?: Remembered[];
  problems: Problem[];
  /** Position of the next page; null when this was the last. */
  next: string | null;
  /** The newest updated-at among this page's items (all of them, kept or skipped): the next watermark. */
  high: Date | null;
}

/**
 * A configured source that lists its items page by page. Connectors for delivery (GitHub, GitLab, Jira,
 * Linear) and for spend share this contract and the runner that stores pages and cursors.
 */
export interface Connector {
  /** The source's name in mileage.yaml: the cursor's key and the summary's label. */
  readonly name: string;
  /** The connector type (github, gitlab, jira, linear…). */
  readonly type: string;
  /** Where a first sync starts when neither --since nor a cursor says. */
  readonly initialSince: Date | null;
  /** How far before the last watermark an incremental run starts, so boundary items are re-read. */
  readonly overlapMs: number;
  /** Counters of the connector's HTTP client (requests, retries, waits), for the summary. */
  readonly stats: HttpStats;
  pages(from: SyncFrom, signal?: AbortSignal): AsyncIterable<SyncPage>;
}

/** The latest of two instants, either of which may be missing. */
export function later(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** The newest of many instants written as ISO text (invalid or missing ones ignored). */
export function newest(times: readonly (string | null | undefined)[]): Date | null {
  let best: Date | null = null;
  for (const t of times) {
    if (!t) continue;
    const d = new Date(t);
    if (!Number.isNaN(d.getTime())) best = later(best, d);
  }
  return best;
}
