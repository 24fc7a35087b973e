import type { OrgDirectory } from '../domain/directory.js';
import { dayOf, type IsoDay } from '../domain/time.js';
import type { Db } from '../store/db.js';
import type { AlertCandidate } from './alert.js';
import { listStoredBudgets } from './budget-store.js';
import { channelsFor, type Channels, type RetryOptions } from './channels.js';
import type { GovernanceSettings } from './config.js';
import { ruleContext, runRules } from './evaluate.js';
import { alertId, recordCandidate, recordDeliveries, type Decision } from './history.js';
import { alertPayload, alertSlack, alertTeams, alertText, type Addressee } from './render.js';
import type { RuleContext } from './rule-context.js';

/** What alerting needs from the org: the directory (coaches, managers, their addresses, channels) and the settings. */
export interface GovernanceRuntime {
  directory: OrgDirectory;
  settings: GovernanceSettings;
  env?: NodeJS.ProcessEnv;
  /** How failed deliveries are retried (default: 3 retries, exponential backoff from 0.5–1 s). */
  retry?: RetryOptions;
}

export interface AlertRunOptions {
  db: Db;
  runtime: GovernanceRuntime;
  /** The last day evaluated (default: today in the org's time zone). */
  asOf?: IsoDay;
  now?: () => Date;
  /** The store's write queue when a server owns it (writes must not interleave). */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
  log?: (message: string) => void;
}

export interface SentAlert {
  id: string;
  rule: string;
  decision: Exclude<Decision, 'repeat'>;
  to: string;
  deliveries: Record<string, string>;
}

export interface AlertRunSummary {
  asOf: IsoDay;
  candidates: number;
  repeats: number;
  sent: SentAlert[];
  ms: number;
}

/**
 * Evaluates every rule, keeps the history (one alert per rule, subject and period; escalation only when the
 * level rises) and sends what is news to the channels. A rule that fails is logged and the others go on;
 * a channel's transient failure is retried with backoff within the sending, and what each channel finally
 * said (`ok`, `ok after N attempts`, or `failed: … after N attempts`) is recorded on the alert.
 */
export async function runAlerts(o: AlertRunOptions): Promise<AlertRunSummary> {
  const started = performance.now();
  const now = o.now ?? (() => new Date());
  const asOf = o.asOf ?? dayOf(now(), o.runtime.directory.timeZone);
  const log = o.log ?? (() => undefined);
  const ctx = await ruleContext({
    db: o.db,
    settings: o.runtime.settings,
    privacy: o.runtime.directory.privacy,
    asOf,
  });
  const candidates = await runRules(ctx, await listStoredBudgets(o.db), (rule, e) =>
    log(`alert rule ${rule} failed: ${e instanceof Error ? e.message : String(e)}`),
  );
  const summary = await deliverCandidates(o, ctx, candidates);
  return { asOf, ...summary, ms: performance.now() - started };
}

/**
 * An alert raised by another part of Mileage (the gateway's per-key soft budgets): the same history, routing,
 * privacy and channels as the rules' alerts. The caller writes the message for an org-wide viewer.
 */
export async function raiseAlert(
  o: Omit<AlertRunOptions, 'asOf'>,
  candidate: AlertCandidate,
): Promise<SentAlert | null> {
  const now = o.now ?? (() => new Date());
  const asOf = dayOf(now(), o.runtime.directory.timeZone);
  const ctx = await ruleContext({
    db: o.db,
    settings: o.runtime.settings,
    privacy: o.runtime.directory.privacy,
    asOf,
  });
  return (await deliverCandidates(o, ctx, [candidate])).sent[0] ?? null;
}

async function deliverCandidates(
  o: Omit<AlertRunOptions, 'asOf'>,
  ctx: RuleContext,
  candidates: readonly AlertCandidate[],
): Promise<{ candidates: number; repeats: number; sent: SentAlert[] }> {
  const now = o.now ?? (() => new Date());
  const exclusive = o.exclusive ?? (<T>(work: () => Promise<T>) => work());
  const channels = channelsFor(
    o.runtime.directory.notify,
    o.runtime.settings.alerts.channels,
    o.runtime.env,
    o.runtime.retry,
  );
  const sent: SentAlert[] = [];
  let repeats = 0;
  for (const c of candidates) {
    const decision = await exclusive(() => recordCandidate(o.db, c, now()));
    if (decision === 'repeat') {
      repeats++;
      continue;
    }
    const id = alertId(c);
    const route = routeOf(o.runtime, ctx, c);
    if (decision === 'muted') {
      sent.push({ id, rule: c.rule, decision, to: route.to, deliveries: {} });
      continue;
    }
    const deliveries = await send(channels, c, {
      ...route,
      alertId: id,
      escalated: decision === 'escalated',
    });
    await exclusive(() => recordDeliveries(o.db, id, deliveries));
    sent.push({ id, rule: c.rule, decision, to: route.to, deliveries });
  }
  return { candidates: candidates.length, repeats, sent };
}

/**
 * A coach-routed alert is addressed to the team's coach (their email address for email); a team without a
 * coach, and org-wide alerts, to the org's recipients. Addressed by role, never by name.
 */
function routeOf(
  runtime: GovernanceRuntime,
  ctx: RuleContext,
  c: AlertCandidate,
): { to: string; emails: string[]; severity: string } {
  const orgEmails = runtime.directory.notify?.email?.to ?? [];
  const team = c.teamId === null ? undefined : runtime.directory.teams.find((t) => t.id === c.teamId);
  const coach = team?.coach ? runtime.directory.people.find((p) => p.id === team.coach) : undefined;
  if (c.route === 'coach' && team && coach) {
    const emails = coach.aliases.filter((a) => a.kind === 'email').map((a) => a.value);
    return { to: `the coach of ${ctx.teamLabel(team.id)}`, emails: emails.slice(0, 1), severity: c.severity };
  }
  const to =
    c.route === 'coach' && c.teamId !== null
      ? `the org's admins (no coach named for ${ctx.teamLabel(c.teamId)})`
      : "the org's admins";
  return { to, emails: orgEmails, severity: c.severity };
}

async function send(
  channels: Channels,
  c: AlertCandidate,
  a: Addressee & { emails: string[] },
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    channels.names.map(async (name) => {
      switch (name) {
        case 'slack':
          out.slack = await channels.slack(alertSlack(c.message, a));
          return;
        case 'teams':
          out.teams = await channels.teams(alertTeams(c.message, a));
          return;
        case 'webhook':
          out.webhook = await channels.webhook(
            alertPayload(c.message, a, { rule: c.rule, period: c.period, level: c.level }),
          );
          return;
        case 'email':
          out.email =
            a.emails.length === 0
              ? 'not sent: no address (a coach with an email in mileage.yaml, or notify.email.to)'
              : await channels.email({
                  to: a.emails,
                  subject: `[Mileage] ${a.escalated ? 'Escalated: ' : ''}${c.message.title}`,
                  text: alertText(c.message, a),
                });
          return;
        default:
          return name satisfies never;
      }
    }),
  );
  return out;
}
