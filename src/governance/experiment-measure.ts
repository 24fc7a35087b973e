import type { Cell, MetricRow, MetricTable } from '../metrics/table.js';

/** One team's value in one week's answer of a catalog metric, with its weight and sample. */
export interface TeamValue {
  value: number | null;
  weight: number;
  sample: number;
}

/**
 * How an experiment reads a catalog metric's answer (grouped by team, one week at a time): which column is
 * the value, what it is a ratio over (its weight when weeks and teams are pooled), and what counts as its
 * sample. Metrics not listed here are read by `genericMeasure`, so any catalog metric that splits by team
 * works in an experiment without a line here.
 */
export interface Measure {
  /** What the sample counts, for the minimum-sample rule ("merged PRs"). */
  sampleUnit: string;
  read(table: MetricTable): Map<string, TeamValue>;
}

/** A numeric cell: numbers as they are, decimal money text as a number (estimates are not ledger sums). */
function cellNumber(c: Cell | undefined): number | null {
  if (c === null || c === undefined) return null;
  const n = typeof c === 'number' ? c : Number(c);
  return Number.isFinite(n) ? n : null;
}

/** A measure over one row per team: value column, weight column (or 1) and sample column (or 1 a row). */
function columns(value: string, weight: string | null, sample: string | null, sampleUnit: string): Measure {
  return {
    sampleUnit,
    read(table) {
      const out = new Map<string, TeamValue>();
      for (const row of table.rows) {
        const v = cellNumber(row.values[value]);
        const w = weight === null ? (v === null ? 0 : 1) : (cellNumber(row.values[weight]) ?? 0);
        const s = sample === null ? (v === null ? 0 : 1) : (cellNumber(row.values[sample]) ?? 0);
        out.set(row.key, { value: v, weight: w, sample: s });
      }
      return out;
    },
  };
}

/** allocation.new_value_share answers one row per team and category: the new-value share of the team's points. */
const newValueShare: Measure = {
  sampleUnit: 'merged PRs',
  read(table) {
    const byTeam = new Map<string, MetricRow[]>();
    for (const row of table.rows) {
      const team = row.key.slice(0, row.key.lastIndexOf('|'));
      byTeam.set(team, [...(byTeam.get(team) ?? []), row]);
    }
    const out = new Map<string, TeamValue>();
    for (const [team, rows] of byTeam) {
      const points = rows.reduce((a, r) => a + (cellNumber(r.values.points) ?? 0), 0);
      const fresh = rows
        .filter((r) => r.values.category === 'new_value')
        .reduce((a, r) => a + (cellNumber(r.values.points) ?? 0), 0);
      const prs = rows.reduce((a, r) => a + (cellNumber(r.values.prs) ?? 0), 0);
      out.set(team, { value: points > 0 ? fresh / points : null, weight: points, sample: prs });
    }
    return out;
  },
};

const KNOWN: Record<string, Measure> = {
  // Weighed by available engineer-weeks (capacity: calendars' days away taken out), not heads: a team-week
  // with half its people on leave weighs half.
  'delivery.throughput_per_engineer': columns('per_engineer_week', 'engineer_weeks', 'prs', 'merged PRs'),
  'effectiveness.cost_per_merged_pr': columns('cost_per_unit', 'count', 'count', 'merged PRs'),
  'effectiveness.cost_per_closed_ticket': columns('cost_per_unit', 'count', 'count', 'closed tickets'),
  'effectiveness.ai_assisted_share': columns('pr_share', 'prs', 'prs', 'merged PRs'),
  'effectiveness.cycle_time': columns('median_hours', 'prs', 'prs', 'merged PRs with an open time'),
  // The seeds' end-to-end speed metric: each week's median over the epics done that week, weighed by them.
  'effectiveness.epic_lead_time': columns('median_days', 'epics', 'epics', 'epics done'),
  'effectiveness.tokens_per_point': columns('tokens_per_point', 'points', 'points', 'delivery points'),
  'quality.rework_tax': columns('pr_share', 'prs', 'prs', 'merged PRs'),
  'quality.churn_share': columns('churn_share', 'changed_lines', 'units', 'units measured'),
  'allocation.new_value_share': newValueShare,
};

/**
 * Any other metric: its first numeric column is the value; its first column whose unit is `count` weighs
 * and samples it; without one, each team-week with a value weighs 1 and counts as one.
 */
export function genericMeasure(table: MetricTable): Measure {
  const numeric = table.columns.find((c) =>
    table.rows.some((r) => {
      const v = r.values[c.id];
      return typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
    }),
  );
  const count = table.columns.find((c) => c.id !== numeric?.id && c.unit === 'count');
  return columns(
    numeric?.id ?? table.columns[0]?.id ?? 'value',
    count?.id ?? null,
    count?.id ?? null,
    count ? count.label : 'team-weeks with a value',
  );
}

export function measureFor(metric: string): Measure | null {
  return KNOWN[metric] ?? null;
}
