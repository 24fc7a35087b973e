import type { Privacy } from '../domain/directory.js';
import { formatUsd, usd, type Usd } from '../domain/money.js';
import { addDays, weekStart, type DayWindow } from '../domain/time.js';
import type { Db } from '../store/db.js';
import { deliveryTotals, personWeeks, weeklySeries, type WeeklyPoint } from '../metrics/delivery.js';
import type { MetricFilter } from '../metrics/filter.js';
import { prSpendBySession } from '../metrics/effectiveness.js';
import type { MetricContext, Viewer } from '../metrics/metric.js';
import { foldedTeams } from '../metrics/grouping.js';
import { relation } from '../metrics/relations.js';
import { namesPeople } from '../metrics/privacy.js';
import { spendBy } from '../metrics/query.js';
import { coverage, dailySpend, dataExtent, spendTotals, type CoverageRow } from '../metrics/spend.js';
import { spendByWorkloads, tokensPerDollar, type WorkloadSpend } from '../metrics/workloads.js';
import type { Finding } from './finding.js';
import type { Repricer } from '../pricing/repricer.js';
import { modelFitFinding } from './model-fit.js';
import { reworkFinding, spikeFinding, trajectoryFinding } from './trends.js';
import { costPerPrSpreads, varianceFinding } from './variance.js';
import { dataGapFinding, dataGaps } from './data-gaps.js';
import { stuckSessionFinding, stuckSessions } from './stuck-sessions.js';
import { sessionPlace, tieSpikeToCause, workloadTeam } from './anomaly-causes.js';
import { everyManager, ownerOfTeam, PLATFORM_TEAM, teamOwners, type TeamOwners } from './owners.js';
import { weekChanges, type WeekChanges } from './week-changes.js';
import { countText } from './evidence-format.js';
import { diagnosticWindows } from './windows.js';

export interface Headline {
  spend: Usd;
  mergedPrs: number;
  /** Commits pushed straight to a default branch: delivered, but no merged PR (absent in older reports). */
  directPushes?: number;
  deliveryPoints: number;
  /** Agent and seat spend of people (workflow bots excluded) ÷ their merged PRs. */
  costPerMergedPr: Usd | null;
  top5Share: number;
  unpricedTokens: number;
  unpricedModels: string[];
  byBasis: { basis: string; cost: Usd }[];
  /**
   * Share of the dollars attributed to merged PRs that the session → branch → PR join found (the rest by
   * person × period); null when no dollar went to a PR.
   */
  prSpendBySession: number | null;
}

export interface WorkloadLine {
  label: string;
  kind: WorkloadSpend['kind'];
  model: string | null;
  cost: Usd;
  share: number;
  tokensPerDollar: number | null;
  cacheReadShare: number;
  /** Share last week minus share the week before, in points. */
  shareChange: number | null;
}

/** One team's part of the whole bill (small teams folded as privacy requires, unattributed spend its own line). */
export interface TeamLine {
  label: string;
  cost: Usd;
  share: number;
}

export interface WeeklyReport {
  org: string;
  window: DayWindow;
  /** What changed since last Monday's report (null: no week before this one has data). Read first. */
  changes: WeekChanges | null;
  headline: Headline;
  topWorkloads: WorkloadLine[];
  /** Every team's spend: with the top workloads alone much of the bill went unexplained. Sums to the spend. */
  byTeam: TeamLine[];
  findings: Finding[];
  coverage: CoverageRow[];
  /** Spend and delivery per week over the trajectory window, for charts. */
  weeks: WeeklyPoint[];
  /**
   * The window the variance finding judges people over (the twelve weeks to the report's end): its cost per
   * merged PR is effectiveness.cost_per_merged_pr's over this window, so a page showing both uses it.
   */
  varianceWindow: DayWindow;
}

export interface WeeklyOptions {
  db: Db;
  org: string;
  privacy: Privacy;
  viewer: Viewer;
  /** The filter `db` applies (metrics/filter.ts): what the report's people are narrowed to. */
  filter?: MetricFilter;
  reprice: Repricer;
  window?: Partial<DayWindow>;
  /** The data's first and last day as `dataExtent` gives it over `db`, when the caller already knows it. */
  extent?: { first: string; last: string } | null;
  /** Whether to compare with last Monday's report (computed the same way, a week earlier); default true. */
  compare?: boolean;
}

/** The Monday-morning ten minutes: everything computed by SQL over the store's views. */
export async function weeklyReport(options: WeeklyOptions): Promise<WeeklyReport | null> {
  const base = {
    db: options.db,
    privacy: options.privacy,
    viewer: options.viewer,
    ...(options.filter ? { filter: options.filter } : {}),
  };
  const extent = options.extent !== undefined ? options.extent : await dataExtent(base);
  if (!extent) return null;
  const w = diagnosticWindows(extent.first, extent.last, options.window);
  const ctx = (window: DayWindow): MetricContext => ({ ...base, window });
  const report = ctx(w.report);
  const named = namesPeople(options.privacy, options.viewer, options.filter);
  // Last Monday's report: the same weeks a week earlier, computed beside this one (no stored state).
  const previousWindow = { since: addDays(w.report.since, -7), until: addDays(w.report.until, -7) };
  const previousQuery =
    options.compare === false || previousWindow.until <= extent.first
      ? Promise.resolve(null)
      : weeklyReport({ ...options, window: previousWindow, extent, compare: false });

  // Every statement is independent of the others but model fit (which reprices the workloads): all of them
  // start at once, so a store with several read connections answers them side by side. Shared pieces are
  // computed once: workloads of the four weeks, the last and the one before from one statement; people's
  // weeks of the report from those of the variance window when the report is whole weeks inside it.
  const reportInVariance =
    w.report.since >= w.variance.since &&
    w.report.until <= w.variance.until &&
    weekStart(w.report.since) === w.report.since &&
    weekStart(w.report.until) === w.report.until;
  // The weekly shows the top five and compares the first eight (model fit): no longer lists are carried.
  const workloadsQuery = spendByWorkloads(report, [w.report, w.lastWeek, w.previousWeek], { topOfFirst: 8 });
  const varianceQuery = personWeeks(ctx(w.variance));
  const foldedQuery = foldedTeams(report);
  const [
    totals,
    delivery,
    [workloads = [], lastWeek = [], previousWeek = []],
    cover,
    people,
    fit,
    variancePeople,
    weeks,
    daily,
    stuckRows,
    gapRows,
    teamRows,
    folded,
    bySession,
    teamSpend,
    owners,
    previous,
  ] = await Promise.all([
    spendTotals(report),
    deliveryTotals(report),
    workloadsQuery,
    coverage(report),
    reportInVariance
      ? varianceQuery.then((all) => all.filter((p) => p.week >= w.report.since && p.week < w.report.until))
      : personWeeks(report),
    workloadsQuery.then(([list = []]) => modelFitFinding(report, list, options.reprice)),
    varianceQuery,
    weeklySeries(ctx(w.trajectory)),
    dailySpend(ctx(w.daily)),
    stuckSessions(report),
    dataGaps(report),
    options.db.query(`SELECT team_id, name FROM ${relation(options, 'dir_teams')}`),
    foldedQuery,
    prSpendBySession(report),
    spendBy(report, 'team'),
    foldedQuery.then((f) => teamOwners(options.db, f, named)),
    previousQuery,
  ]);
  const peopleCost = people.reduce((a, p) => a.plus(p.cost), usd(0));
  const peoplePrs = people.reduce((a, p) => a + p.prs, 0);

  const shareOf = (list: WorkloadSpend[], id: string) => list.find((x) => x.id === id)?.share ?? 0;
  const topWorkloads: WorkloadLine[] = workloads.slice(0, 5).map((x) => ({
    label: x.label,
    kind: x.kind,
    model: x.model,
    cost: x.cost,
    share: x.share,
    tokensPerDollar: tokensPerDollar(x),
    cacheReadShare: x.tokens === 0 ? 0 : x.cacheReadTokens / x.tokens,
    shareChange: previousWeek.length ? shareOf(lastWeek, x.id) - shareOf(previousWeek, x.id) : null,
  }));
  const top5Share = workloads.slice(0, 5).reduce((a, x) => a + x.share, 0);

  // Teams below the minimum group size (for an audience that may not see people) are never named.
  const teams = new Map(
    teamRows.map((r) => [String(r.team_id), folded.has(String(r.team_id)) ? 'a team' : String(r.name)]),
  );
  const findings: Finding[] = [];
  findings.push({
    id: 'spend.by_workload',
    section: 'where',
    flag: false,
    question: 'Where did the money go?',
    answer: `${formatUsd(totals.cost)} over ${w.report.since} – ${w.report.until}; the top ${Math.min(5, workloads.length)} workloads took ${(top5Share * 100).toFixed(0)}%: ${topWorkloads
      .slice(0, 3)
      .map((t) => `${t.label} ${(t.share * 100).toFixed(0)}%`)
      .join(', ')}.`,
    evidence: Object.fromEntries(topWorkloads.map((t) => [t.label, formatUsd(t.cost)])),
    metricIds: ['spend.by_workload', 'concentration.top_n_share'],
    action: null,
  });
  // The causes and owners that need a statement of their own, side by side.
  const topWorkload = workloads[0];
  const spike = spikeFinding(daily);
  const spikeDay = spike?.flag && typeof spike.evidence.day === 'string' ? spike.evidence.day : null;
  const worst = stuckRows[0];
  const [fitTeam, cause, place] = await Promise.all([
    fit?.action && topWorkload ? workloadTeam(report, w.report, topWorkload.id) : null,
    spike && spikeDay ? tieSpikeToCause(spike, spikeDay, report, (id) => teams.get(id) ?? 'a team') : null,
    worst ? sessionPlace(report, worst.session) : undefined,
  ]);
  if (fit?.action && topWorkload) fit.owner = workloadOwner(topWorkload.kind, fitTeam, owners);
  if (fit) findings.push(fit);
  const spreads = costPerPrSpreads(variancePeople);
  const variance = varianceFinding(spreads, named, (id) => teams.get(id) ?? id);
  const spread = spreads.find((x) => x.flagged);
  if (variance.action && spread) variance.owner = ownerOfTeam(owners, spread.teamId, 'coach');
  findings.push(variance);
  for (const trend of [trajectoryFinding(weeks), reworkFinding(weeks)]) {
    if (!trend) continue;
    if (trend.action) trend.owner = everyManager(owners);
    findings.push(trend);
  }
  if (spike && spikeDay)
    spike.owner = cause ? workloadOwner(cause.workload.kind, cause.teamId, owners) : PLATFORM_TEAM;
  if (spike) findings.push(spike);
  const stuck = stuckSessionFinding(
    stuckRows.map((r) => (r.teamId !== null && folded.has(r.teamId) ? { ...r, teamName: 'a team' } : r)),
    named,
    place,
  );
  if (stuck && worst) stuck.owner = ownerOfTeam(owners, worst.teamId, 'coach');
  if (stuck) findings.push(stuck);
  const gaps = dataGapFinding(gapRows);
  if (gaps) findings.push({ ...gaps, owner: PLATFORM_TEAM });
  if (totals.unpricedTokens > 0) {
    findings.push({
      id: 'data.unpriced_volume',
      section: 'data',
      flag: true,
      question: 'Is any usage missing a price?',
      answer: `${totals.unpricedTokens.toLocaleString('en-US')} tokens on ${totals.unpricedModels.join(', ')} have no known price and are not in the dollar totals.`,
      evidence: {
        unpriced_tokens: countText(totals.unpricedTokens),
        records: countText(totals.unpricedRecords),
        models: totals.unpricedModels.join(', '),
      },
      metricIds: ['data.unpriced_volume'],
      action: 'Run `mileage prices check` for a ready-to-paste price override.',
      owner: PLATFORM_TEAM,
    });
  }

  const headline: Headline = {
    spend: totals.cost,
    mergedPrs: delivery.mergedPrs,
    directPushes: delivery.directPushes,
    deliveryPoints: delivery.points,
    costPerMergedPr: peoplePrs > 0 ? peopleCost.dividedBy(peoplePrs) : null,
    top5Share,
    unpricedTokens: totals.unpricedTokens,
    unpricedModels: totals.unpricedModels,
    byBasis: totals.byBasis,
    prSpendBySession: bySession.share,
  };
  return {
    org: options.org,
    window: w.report,
    changes: previous ? weekChanges({ headline, findings }, previous) : null,
    headline,
    topWorkloads,
    byTeam: teamSpend.map((t) => ({ label: t.label, cost: t.cost, share: t.share })),
    findings,
    coverage: cover,
    weeks,
    varianceWindow: w.variance,
  };
}

/**
 * Who owns a workload's next step: a workflow's or a shared key's, the team's manager; a person's use of a
 * tool, the team's coach; spend of no team (a billing stream, a workflow no team owns), the platform team.
 */
function workloadOwner(
  kind: WorkloadSpend['kind'],
  teamId: string | null,
  owners: ReadonlyMap<string, TeamOwners>,
): string {
  if (teamId === null || kind === 'stream' || kind === 'other') return PLATFORM_TEAM;
  return ownerOfTeam(owners, teamId, kind === 'workflow' || kind === 'key' ? 'manager' : 'coach');
}
