import { formatUsd, usd } from '../domain/money.js';
import { mad, median } from '../domain/statistics.js';
import type { WeeklyPoint } from '../metrics/delivery.js';
import type { DailySpend } from '../metrics/spend.js';
import { countText, timesText, usdText } from './evidence-format.js';
import type { Finding } from './finding.js';

const EDGE_WEEKS = 4;
const MIN_TRAJECTORY_WEEKS = 12;
/** Flag when spend grows at least 1.5x and at least twice as fast as delivery. */
const SPEND_GROWTH_FLAG = 1.5;
const GAP_FLAG = 2;

function edges(weeks: WeeklyPoint[]): { first: WeeklyPoint[]; last: WeeklyPoint[] } {
  return { first: weeks.slice(0, EDGE_WEEKS), last: weeks.slice(-EDGE_WEEKS) };
}

const sumCost = (ws: WeeklyPoint[]) => ws.reduce((a, w) => a.plus(w.cost), usd(0));
const sumOf = (ws: WeeklyPoint[], f: (w: WeeklyPoint) => number) => ws.reduce((a, w) => a + f(w), 0);

/** trajectory.spend_vs_delivery over complete weeks only (a partial edge week would bias both ends). */
export function trajectoryFinding(weeks: WeeklyPoint[]): Finding | null {
  if (weeks.length < MIN_TRAJECTORY_WEEKS) return null;
  const { first, last } = edges(weeks);
  const spendBefore = sumCost(first);
  const spendAfter = sumCost(last);
  const pointsBefore = sumOf(first, (w) => w.points);
  const pointsAfter = sumOf(last, (w) => w.points);
  if (spendBefore.isZero() || pointsBefore === 0) return null;
  const spendGrowth = spendAfter.dividedBy(spendBefore).toNumber();
  const deliveryGrowth = pointsAfter / pointsBefore;
  const prGrowth =
    sumOf(last, (w) => w.prs) /
    Math.max(
      1,
      sumOf(first, (w) => w.prs),
    );
  const flag = spendGrowth >= SPEND_GROWTH_FLAG && spendGrowth / deliveryGrowth >= GAP_FLAG;
  const costPerPointBefore = spendBefore.toNumber() / pointsBefore;
  const costPerPointAfter = spendAfter.toNumber() / pointsAfter;
  const marginal =
    pointsAfter > pointsBefore
      ? spendAfter.minus(spendBefore).toNumber() / (pointsAfter - pointsBefore)
      : null;
  return {
    id: 'trajectory.spend_vs_delivery',
    section: 'trajectory',
    flag,
    question: 'Is spend growing faster than delivery?',
    answer: `Over ${weeks.length} weeks: spend ${spendGrowth.toFixed(1)}x, delivery ${deliveryGrowth.toFixed(1)}x (first ${EDGE_WEEKS} weeks against the last ${EDGE_WEEKS}). ${flag ? `A delivery point now costs ${formatUsd(usd(costPerPointAfter.toFixed(2)))} against ${formatUsd(usd(costPerPointBefore.toFixed(2)))}.` : 'Spend and delivery are moving together.'}`,
    evidence: {
      weeks: countText(weeks.length),
      spend_first_4w: formatUsd(spendBefore),
      spend_last_4w: formatUsd(spendAfter),
      spend_growth: timesText(spendGrowth, 2),
      delivery_points_growth: timesText(deliveryGrowth, 2),
      merged_prs_growth: timesText(prGrowth, 2),
      ...(marginal !== null ? { marginal_cost_per_extra_point: usdText(marginal) } : {}),
    },
    metricIds: ['trajectory.spend_vs_delivery'],
    action: flag
      ? 'Look at what grew: new users, deeper use per user, or pricier models (model mix); keep what shows delivery lift and question the rest.'
      : null,
  };
}

/**
 * quality.rework_share: the quality tax (rework PRs ÷ merged PRs, quality.rework_tax's definition) of the
 * last 4 weeks against the first 4 of the period.
 */
export function reworkFinding(weeks: WeeklyPoint[]): Finding | null {
  if (weeks.length < 2 * EDGE_WEEKS) return null;
  const { first, last } = edges(weeks);
  const prsBefore = sumOf(first, (w) => w.prs);
  const prsAfter = sumOf(last, (w) => w.prs);
  if (prsBefore < 20 || prsAfter < 20) return null;
  const before = sumOf(first, (w) => w.reworkPrs) / prsBefore;
  const after = sumOf(last, (w) => w.reworkPrs) / prsAfter;
  const flag = after - before >= 0.05 && after >= 1.5 * before;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    id: 'quality.rework_share',
    section: 'quality',
    flag,
    question: 'Is the quality tax rising?',
    answer: flag
      ? `Yes: the quality tax is ${pct(after)} of merged PRs in the last 4 weeks, up from ${pct(before)} in the first 4 weeks of the period.`
      : `The quality tax is ${pct(after)} of merged PRs in the last 4 weeks (${pct(before)} in the first 4 weeks of the period).`,
    evidence: {
      rework_share_first_4w: pct(before),
      rework_share_last_4w: pct(after),
      prs_first_4w: countText(prsBefore),
      prs_last_4w: countText(prsAfter),
    },
    metricIds: ['quality.rework_share', 'quality.rework_tax'],
    action: flag
      ? 'Read the last month’s reverts and regression fixes: which repositories and which kinds of change?'
      : null,
  };
}

export interface SpikeRule {
  /** A day spikes above median + mads × MAD of its baseline… */
  mads: number;
  /** …and above multiple × the median. */
  multiple: number;
}

/** The diagnostic's own thresholds (the alert rule starts from these, mileage.yaml may change them). */
export const SPIKE_RULE: SpikeRule = { mads: 6, multiple: 3 };

export interface Spike {
  day: string;
  cost: number;
  baseline: number;
  /** The kind of day the baseline is made of: a day is compared with days of its own kind. */
  kind: DayKind;
}

export type DayKind = 'working day' | 'weekend day';

/** Saturdays and Sundays are weekend days; a day is a calendar day in the org's time zone. */
export function dayKind(day: string): DayKind {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6 ? 'weekend day' : 'working day';
}

/** Fewest days of a kind, with data, that make a baseline: two weekends' worth. */
const MIN_LIKE_DAYS = 4;

/**
 * The robust baseline rule of anomaly.daily_spike: each of the last `lastDays` days against the median and
 * MAD of the days of its own kind (working days with working days, weekends with weekends) in the 28 before
 * it, leaving out days with no spend (no data, a holiday). Against all 28 calendar days a month's quiet
 * weekends pulled the median down: a day five times a normal working day read as "12.8x", and the same
 * spike was flagged or not depending on how many weekends its month had. Shared with the spend-spike alert.
 */
export function dailySpikes(days: DailySpend[], lastDays = 28, rule: SpikeRule = SPIKE_RULE): Spike[] {
  if (days.length < 14 + 1) return [];
  const values = days.map((d) => d.cost.toNumber());
  const kinds = days.map((d) => dayKind(d.day));
  const spikes: Spike[] = [];
  for (let i = Math.max(14, days.length - lastDays); i < days.length; i++) {
    const kind = kinds[i] as DayKind;
    const history: number[] = [];
    for (let j = Math.max(0, i - 28); j < i; j++) {
      if (kinds[j] === kind && (values[j] as number) > 0) history.push(values[j] as number);
    }
    if (history.length < MIN_LIKE_DAYS) continue;
    const m = median(history);
    const spread = mad(history);
    const v = values[i] as number;
    if (m > 0 && v > m + rule.mads * spread && v > rule.multiple * m)
      spikes.push({ day: (days[i] as DailySpend).day, cost: v, baseline: m, kind });
  }
  return spikes;
}

/** anomaly.daily_spike over the last 28 days, each day against the days of its kind in the 28 before it. */
export function spikeFinding(days: DailySpend[], lastDays = 28): Finding | null {
  if (days.length < 14 + 1) return null;
  const spikes = dailySpikes(days, lastDays);
  const worst = spikes.sort((a, b) => b.cost / b.baseline - a.cost / a.baseline)[0];
  if (!worst) {
    return {
      id: 'anomaly.daily_spike',
      section: 'anomaly',
      flag: false,
      question: 'Did any day cost far more than usual?',
      answer: 'No day in the last four weeks stands out from its baseline.',
      evidence: {},
      metricIds: ['anomaly.daily_spike'],
      action: null,
    };
  }
  return {
    id: 'anomaly.daily_spike',
    section: 'anomaly',
    flag: true,
    question: 'Did any day cost far more than usual?',
    answer: `${worst.day} (a ${worst.kind}) cost ${formatUsd(usd(worst.cost.toFixed(2)))}, ${(worst.cost / worst.baseline).toFixed(1)}x the median ${worst.kind} of the four weeks before (${formatUsd(usd(worst.baseline.toFixed(2)))}).`,
    evidence: {
      day: worst.day,
      spend: usdText(worst.cost),
      baseline_median: usdText(worst.baseline),
      baseline_days: `${worst.kind}s with spend`,
      multiple: timesText(worst.cost / worst.baseline, 2),
      spike_days: countText(spikes.length),
    },
    metricIds: ['anomaly.daily_spike'],
    action: `Open ${worst.day} by workload and session: a runaway agent loop, a batch job, or a new workflow?`,
  };
}
