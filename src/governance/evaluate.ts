import type { Privacy } from '../domain/directory.js';
import { addDays, type DayWindow, type IsoDay } from '../domain/time.js';
import { foldedTeams } from '../metrics/grouping.js';
import { namesPeople } from '../metrics/privacy.js';
import type { Viewer } from '../org/privacy.js';
import type { Db } from '../store/db.js';
import type { AlertCandidate } from './alert.js';
import type { Budget, GovernanceSettings } from './config.js';
import type { RuleContext } from './rule-context.js';
import { allBudgetAlerts } from './rules/budget.js';
import { newModelAlerts, unpricedAlerts } from './rules/models.js';
import { runawayAlerts } from './rules/runaway.js';
import { sourceSilentAlerts } from './rules/source-silent.js';
import { spendSpikeAlerts } from './rules/spend-spike.js';
import { tokensPerPointAlerts } from './rules/tokens-per-point.js';

export interface EvaluateOptions {
  db: Db;
  settings: GovernanceSettings;
  privacy: Privacy;
  asOf: IsoDay;
  /** Budgets set through the API, beside the file's. */
  extraBudgets?: readonly Budget[];
}

/** The body's audience: an org-wide viewer, or (alerts.audience: team) a manager of the subject's team. */
function audienceOf(settings: GovernanceSettings, teamId: string | null): Viewer {
  return settings.alerts.audience === 'team' && teamId !== null
    ? { role: 'manager', teams: [teamId] }
    : { role: 'viewer' };
}

/** The rules' shared context: who the bodies are written for and how teams and people may be named. */
export async function ruleContext(o: EvaluateOptions): Promise<RuleContext> {
  const viewer: Viewer = { role: 'viewer' };
  const [teams, folded] = await Promise.all([
    o.db.query('SELECT team_id, name FROM dir_teams'),
    // Teams an org-wide viewer may not see on their own (below min_group_size over the last four weeks).
    foldedTeams({ db: o.db, privacy: o.privacy, viewer, window: lastWeeks(o.asOf) }),
  ]);
  const names = new Map(teams.map((r) => [String(r.team_id), String(r.name)]));
  return {
    db: o.db,
    settings: o.settings,
    privacy: o.privacy,
    viewer,
    asOf: o.asOf,
    teamLabel: (id) => {
      if (id === null) return 'no team';
      if (o.settings.alerts.audience === 'viewer' && folded.has(id)) return 'a team';
      return names.get(id) ?? 'a team';
    },
    knownTeam: (id) => names.has(id),
    mayName: (teamId) => {
      const who = audienceOf(o.settings, teamId);
      return namesPeople(o.privacy, who, who.role === 'manager' ? { teams: who.teams ?? [] } : undefined);
    },
  };
}

function lastWeeks(asOf: IsoDay): DayWindow {
  const until = addDays(asOf, 1);
  return { since: addDays(until, -28), until };
}

/**
 * Every enabled rule over the store as of a day, side by side (the store's read connections answer them in
 * parallel). A rule that fails is reported and the others still alert: one broken rule must not silence the
 * budget alerts.
 */
export async function evaluateRules(
  o: EvaluateOptions,
  onRuleError: (rule: string, error: unknown) => void = () => undefined,
): Promise<AlertCandidate[]> {
  return runRules(await ruleContext(o), o.extraBudgets ?? [], onRuleError);
}

export async function runRules(
  ctx: RuleContext,
  extraBudgets: readonly Budget[],
  onRuleError: (rule: string, error: unknown) => void = () => undefined,
  /** Told how long each rule took (the benchmark's breakdown). */
  timings?: (rule: string, ms: number) => void,
): Promise<AlertCandidate[]> {
  const rules = ctx.settings.alerts.rules;
  const budgets = [...ctx.settings.budgets, ...extraBudgets];
  type Job = [string, () => Promise<AlertCandidate[]>];
  const when = (on: boolean, job: Job): Job[] => (on ? [job] : []);
  const jobs: Job[] = [
    ...when(rules.budget.enabled && budgets.length > 0, [
      'budgets',
      () => allBudgetAlerts(ctx, budgets, (id, e) => onRuleError(`budget ${id}`, e)),
    ]),
    ...when(rules.spend_spike.enabled, ['spend_spike', () => spendSpikeAlerts(ctx)]),
    ...when(rules.runaway_session.enabled, ['runaway_session', () => runawayAlerts(ctx)]),
    ...when(rules.tokens_per_point.enabled, ['tokens_per_point', () => tokensPerPointAlerts(ctx)]),
    ...when(rules.new_model.enabled, ['new_model', () => newModelAlerts(ctx)]),
    ...when(rules.unpriced_model.enabled, ['unpriced_model', () => unpricedAlerts(ctx)]),
    ...when(rules.source_silent.enabled, ['source_silent', () => sourceSilentAlerts(ctx)]),
  ];
  const results = await Promise.all(
    jobs.map(([name, run]) => {
      const t = performance.now();
      return run()
        .catch((e: unknown) => {
          onRuleError(name, e);
          return [];
        })
        .finally(() => timings?.(name, performance.now() - t));
    }),
  );
  return results.flat();
}
