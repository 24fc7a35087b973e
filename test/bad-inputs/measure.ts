import { bookRepricer, priceBookFor } from '../../src/cli/pricing.js';
import { weeklyReport } from '../../src/diagnostics/weekly.js';
import { DEFAULT_PRIVACY } from '../../src/domain/directory.js';
import { recordId } from '../../src/domain/ids.js';
import { spendBy } from '../../src/metrics/query.js';
import { dataExtent } from '../../src/metrics/spend.js';
import type { Db } from '../../src/store/db.js';

/**
 * What one input of the corpus measured, whatever its ingest path: the documented outcome, the measured one,
 * whether they agree (the field named included), good rows of the same input lost, and whether the store was
 * left unable to ingest or report.
 */
export interface Measured {
  id: string;
  path: string;
  expected: string;
  measured: string;
  ok: boolean;
  goodLost: number;
  bricked: boolean;
}

/**
 * The documented outcome of one input (the corpus manifest): accepted; one row rejected with its field
 * named (`field` is matched as a prefix, or any of `|`-separated alternatives; null when the input is a
 * structural one with no field, such as a line that is not JSON); or the whole file / request refused with
 * a reason (`reason` is a regular expression the message must match, and `status` the HTTP status); or
 * ignored (a line that is no usage data by the tool's format: nothing stored, nothing said).
 */
export type Expect =
  | { outcome: 'accepted' }
  | { outcome: 'ignored' }
  | { outcome: 'rejected'; field: string | null }
  | { outcome: 'refused'; reason: RegExp; status?: number };

export function expectedText(e: Expect): string {
  if (e.outcome === 'accepted') return 'accepted';
  if (e.outcome === 'ignored') return 'ignored (not usage data; nothing stored, nothing said)';
  if (e.outcome === 'rejected') return `rejected (${e.field ?? 'no field'})`;
  return `refused${e.status ? ` ${e.status}` : ''} (${e.reason.source})`;
}

/** Whether a measured field is the documented one (a prefix match, so `tokens` covers `tokens.input`). */
export function fieldMatches(expected: string | null, measured: string | null | undefined): boolean {
  if (expected === null) return true;
  const m = (measured ?? '').toLowerCase();
  return expected
    .toLowerCase()
    .split('|')
    .some((alt) => m === alt || m.startsWith(alt) || m.endsWith(alt));
}

/**
 * What a path's ingest said about one input, reduced to the three outcomes: `problems` (rows rejected, with
 * their fields), `refusal` (the whole input refused, with its message and status), `stored` (its good rows
 * kept, the bad one included when accepted), against `good` good rows written beside the bad one.
 */
export interface Observation {
  problems: readonly { field: string | null; message: string }[];
  refusal: { message: string; status?: number } | null;
  /** Thrown where a clear refusal was due: always a defect. */
  crash: string | null;
  stored: number;
  good: number;
}

/** Compares one observation with its documented outcome. */
export function judge(
  id: string,
  path: string,
  expect: Expect,
  o: Observation,
): Omit<Measured, 'bricked'> & { bricked: false } {
  const measured = o.crash
    ? `error: ${o.crash.slice(0, 120)}`
    : o.refusal
      ? `refused${o.refusal.status ? ` ${o.refusal.status}` : ''}: ${o.refusal.message.slice(0, 100)}`
      : o.problems.length > 0
        ? `rejected (${o.problems[0]!.field ?? 'no field'}): ${o.problems[0]!.message.slice(0, 80)}`
        : o.stored > o.good
          ? 'accepted'
          : `nothing said, ${o.stored} of ${o.good} good rows stored`;
  let ok = false;
  if (o.crash === null) {
    if (expect.outcome === 'accepted')
      ok = o.refusal === null && o.problems.length === 0 && o.stored > o.good;
    else if (expect.outcome === 'ignored')
      ok = o.refusal === null && o.problems.length === 0 && o.stored === o.good;
    else if (expect.outcome === 'rejected')
      ok =
        o.refusal === null &&
        o.problems.length > 0 &&
        o.stored === o.good &&
        o.problems.some((p) => fieldMatches(expect.field, p.field));
    else
      ok =
        o.refusal !== null &&
        expect.reason.test(o.refusal.message) &&
        (expect.status === undefined || expect.status === o.refusal.status);
  }
  // A refused input keeps nothing by design (the request or file never reached the store whole).
  const goodLost = expect.outcome === 'refused' ? 0 : Math.max(0, o.good - Math.min(o.good, o.stored));
  return { id, path, expected: expectedText(expect), measured, ok, goodLost, bricked: false };
}

const REPRICE = bookRepricer(priceBookFor(null));
let afterCount = 0;

/**
 * Whether the store can still take a known-good record and report: a good record appended, the ledger
 * refreshed, `report weekly` computed and a `query` (spend by model over the data's extent) answered. A
 * store left unable to do any of these by an input is bricked. Returns the error, or null.
 */
export async function storeStillWorks(db: Db): Promise<string | null> {
  try {
    const at = new Date('2026-07-15T10:00:00Z');
    const n = afterCount++;
    await db.appendUsage([
      {
        id: recordId('corpus-after', String(n)),
        source: 'corpus-after',
        stream: null,
        granularity: 'request',
        start: at,
        end: at,
        tool: null,
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        tokens: { input: 10, cacheRead: 0, cacheWrite: 0, output: 5, reasoning: 0 },
        requests: 1,
        cost: { amount: null, basis: 'list_estimate', priceRef: null },
        hints: {},
      },
    ]);
    await db.refreshLedger();
    const base = { db, privacy: DEFAULT_PRIVACY, viewer: { role: 'owner' as const } };
    const report = await weeklyReport({ ...base, org: 'corpus', reprice: REPRICE });
    if (!report) return 'report weekly: no data after a good record was ingested';
    const extent = await dataExtent(base);
    if (!extent) return 'query: no extent';
    const until = new Date(Date.parse(`${extent.last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await spendBy({ ...base, window: { since: extent.first, until } }, 'model');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.slice(0, 200) : String(e);
  }
}

/** The printable summary: counts per path, and every input whose measured outcome differs. */
export function summarise(results: readonly Measured[]): string {
  const lines = ['path                  inputs  as documented  good rows lost  stores bricked'];
  const paths = [...new Set(results.map((r) => r.path))];
  for (const p of [...paths, 'total']) {
    const rs = p === 'total' ? results : results.filter((r) => r.path === p);
    lines.push(
      `${p.padEnd(22)}${String(rs.length).padStart(6)}  ${String(rs.filter((r) => r.ok).length).padStart(13)}  ${String(rs.reduce((a, r) => a + r.goodLost, 0)).padStart(14)}  ${String(rs.filter((r) => r.bricked).length).padStart(14)}`,
    );
  }
  for (const r of results.filter((x) => !x.ok || x.bricked || x.goodLost > 0))
    lines.push(`  ${r.id.slice(0, 70)}: expected ${r.expected}, measured ${r.measured}`);
  return lines.join('\n');
}

/** The manifest as a table: every input with its documented and measured outcome. */
export function manifest(results: readonly Measured[]): string {
  return results
    .map(
      (r) =>
        `${r.ok && !r.bricked && r.goodLost === 0 ? 'ok ' : 'BAD'} ${r.path} ${r.id}\n    expected ${r.expected}\n    measured ${r.measured}`,
    )
    .join('\n');
}
