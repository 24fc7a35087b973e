import { formatUsd, usd } from '../../domain/money.js';
import { addDays, weekStart } from '../../domain/time.js';
import type { AlertCandidate } from '../alert.js';
import { projectBudget } from '../budget-forecast.js';
import { resolveSubject, scopeDailySpend, type ResolvedSubject, type SubjectDay } from '../budget-subject.js';
import type { Budget } from '../config.js';
import { periodOf } from '../period.js';
import type { RuleContext } from '../rule-context.js';

/** Whole weeks of history the forecast fits, as trajectory.forecast does. */
const HISTORY_WEEKS = 26;

const ordinal = (day: string) => {
  const n = Number(day.slice(8, 10));
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th';
  return `the ${n}${suffix}`;
};

/**
 * budget.threshold and budget.forecast for every budget: the highest threshold each period's spend has
 * crossed (the level: 50, 80, 100…), and — while under 100% — whether the trend says the period will end
 * over. The subjects' spend is read with one statement per scope and grain, then each budget is judged on
 * its own (one that fails is reported and the others still alert). Budgets alert; nothing here or anywhere
 * in Mileage stops a request.
 */
export async function allBudgetAlerts(
  ctx: RuleContext,
  budgets: readonly Budget[],
  onError: (budget: string, error: unknown) => void,
): Promise<AlertCandidate[]> {
  const until = addDays(ctx.asOf, 1);
  const resolved = await Promise.all(budgets.map((b) => resolveSubject(ctx, b.scope, b.subject)));
  const scopes = [...new Set(budgets.map((b) => b.scope))];
  const spend = new Map(
    await Promise.all(
      scopes.map(async (scope) => {
        const mine = budgets
          .map((b, i) => ({ b, s: resolved[i] as ResolvedSubject }))
          .filter((x) => x.b.scope === scope);
        const earliest = mine
          .map((x) => periodOf(x.b.period, ctx.asOf).since)
          .reduce((a, d) => (d < a ? d : a));
        // Whole weeks before the earliest period's week come from the weekly rollup, the rest by day.
        const daysFrom = weekStart(earliest);
        const since = addDays(daysFrom, -7 * HISTORY_WEEKS);
        const values = [...new Set(mine.map((x) => x.s.value))];
        const byValue = await scopeDailySpend(ctx.db, scope, values, since, daysFrom, until);
        return [scope, byValue] as const;
      }),
    ),
  );
  const out: AlertCandidate[] = [];
  budgets.forEach((b, i) => {
    const subject = resolved[i] as ResolvedSubject;
    const since = addDays(weekStart(periodOf(b.period, ctx.asOf).since), -7 * HISTORY_WEEKS);
    try {
      const daily = (spend.get(b.scope)?.get(subject.value) ?? []).filter((d) => d.day >= since);
      out.push(...budgetAlertsFrom(ctx, b, subject, daily));
    } catch (error) {
      onError(b.id, error);
    }
  });
  return out;
}

function budgetAlertsFrom(
  ctx: RuleContext,
  b: Budget,
  subject: ResolvedSubject,
  daily: readonly SubjectDay[],
): AlertCandidate[] {
  const period = periodOf(b.period, ctx.asOf);
  const inPeriod = daily.filter((d) => d.day >= period.since);
  const spent = inPeriod.reduce((a, d) => a.plus(d.cost), usd(0));
  const unpriced = inPeriod.reduce((a, d) => a + d.unpricedTokens, 0);
  const share = spent.dividedBy(b.amount).times(100);
  const crossed = b.thresholds.filter((t) => share.greaterThanOrEqualTo(t));
  const level = crossed[crossed.length - 1];
  const route = subject.teamId === null ? 'org' : 'coach';
  const evidence: [string, string][] = [
    ['spent', formatUsd(spent)],
    ['budget', `${formatUsd(b.amount)} per ${b.period}`],
    ['used', `${share.toDecimalPlaces(0).toString()}%`],
    ['period', `${period.since} to ${addDays(period.until, -1)}`],
    ...(unpriced > 0
      ? [
          ['unpriced tokens', `${unpriced.toLocaleString('en-US')} (no known price; not in the total)`] as [
            string,
            string,
          ],
        ]
      : []),
  ];
  const out: AlertCandidate[] = [];
  const projection = projectBudget(period, ctx.asOf, spent, b.amount, daily);
  evidence.push([
    'projected for the period',
    `${formatUsd(usd(projection.projectedTotal))} (${projection.basis === 'trend' ? 'trend of past weeks' : 'run rate so far'})`,
  ]);
  if (level !== undefined) {
    out.push({
      rule: 'budget.threshold',
      subject: b.id,
      period: period.since,
      level,
      severity: level >= 100 ? 'critical' : level >= 80 ? 'warning' : 'info',
      teamId: subject.teamId,
      route,
      message: {
        title: `${cap(subject.label)} has used ${level}% of its ${b.period}ly budget`,
        happened: `${cap(subject.label)} has spent ${formatUsd(spent)} of its ${formatUsd(b.amount)} ${b.period}ly budget by ${ctx.asOf} (${share.toDecimalPlaces(0).toString()}%), crossing the ${level}% mark. Nothing is blocked: budgets only alert.`,
        evidence,
        question:
          level >= 100
            ? `What has the extra spend bought this ${b.period} — which work needed it, and would that work have been worth the budget if it had been planned?`
            : `What is driving this ${b.period}'s use — a new workflow, long-running agent tasks, a pricier model — and is it going where the team gets the most from it?`,
        metricIds: ['spend.total', 'trajectory.forecast'],
      },
    });
  }
  if (b.forecast && (level === undefined || level < 100) && projection.exceedsOn) {
    out.push({
      rule: 'budget.forecast',
      subject: b.id,
      period: period.since,
      level: 1,
      severity: 'warning',
      teamId: subject.teamId,
      route,
      message: {
        title: `${cap(subject.label)} is on track to exceed its ${b.period}ly budget by ${ordinal(projection.exceedsOn)}`,
        happened: `At its current trend ${subject.label} would pass its ${formatUsd(b.amount)} ${b.period}ly budget on ${projection.exceedsOn}, before the period ends on ${addDays(period.until, -1)}; ${formatUsd(spent)} spent so far.`,
        evidence,
        question: `Is the rise planned (a rollout, a deadline) or a habit that crept in — and what would the team change if it knew a week ago?`,
        metricIds: ['spend.total', 'trajectory.forecast'],
      },
    });
  }
  return out;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
