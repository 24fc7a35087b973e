import { usd } from '../domain/money.js';
import { reviveWeekChanges } from './week-changes.js';
import type { WeeklyReport } from './weekly.js';

type Json = Record<string, unknown>;

/**
 * A weekly report read back from its JSON (`report weekly --json`, the API): money, written as exact decimal
 * strings, becomes decimals again so every renderer works on it as on a report computed here.
 */
export function reviveWeeklyReport(json: unknown): WeeklyReport {
  const r = json as Json & {
    headline: Json;
    topWorkloads: Json[];
    byTeam?: Json[];
    changes?: unknown;
    coverage: Json[];
    weeks: Json[];
  };
  const money = (v: unknown) => usd(String(v));
  const changes = reviveWeekChanges(r.changes);
  return {
    ...(r as unknown as WeeklyReport),
    // A report from a server older than the comparison with last Monday has none.
    changes,
    headline: {
      ...(r.headline as unknown as WeeklyReport['headline']),
      spend: money(r.headline.spend),
      costPerMergedPr: r.headline.costPerMergedPr === null ? null : money(r.headline.costPerMergedPr),
      byBasis: (r.headline.byBasis as Json[]).map((b) => ({ basis: String(b.basis), cost: money(b.cost) })),
    },
    topWorkloads: r.topWorkloads.map((w) => ({
      ...(w as unknown as WeeklyReport['topWorkloads'][number]),
      cost: money(w.cost),
    })),
    // A report from a server older than the by-team line has none.
    byTeam: (r.byTeam ?? []).map((t) => ({
      ...(t as unknown as WeeklyReport['byTeam'][number]),
      cost: money(t.cost),
    })),
    coverage: r.coverage.map((c) => ({
      ...(c as unknown as WeeklyReport['coverage'][number]),
      cost: money(c.cost),
    })),
    weeks: r.weeks.map((w) => ({ ...(w as unknown as WeeklyReport['weeks'][number]), cost: money(w.cost) })),
  };
}
