import { z } from 'zod';
import { recordId } from '../domain/ids.js';
import type { Usd } from '../domain/money.js';
import { expecting } from '../org/messages.js';

/**
 * The shape of the governance sections of `mileage.yaml` — `budgets:` and `alerts:` — which the org schema
 * lets through unread (as it does `quality_bars:` for the audit). Objects are strict for the same reason as
 * the org file's: a typo in a threshold would silently keep the default.
 */

export const BUDGET_SCOPES = ['team', 'workflow', 'key', 'tool', 'person'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
export const BUDGET_PERIODS = ['week', 'month', 'quarter'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

const id = z
  .string({ error: expecting('an id (text)') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected an id made of letters, digits, ".", "_" or "-"');

const percent = z
  .number({ error: expecting('a percentage of the budget, such as 80') })
  .gt(0, 'expected a percentage above 0')
  .max(1000, 'expected a percentage of at most 1000');

/** An amount as written: money is re-read from the YAML source text by the loader, never through a float. */
const amount = z
  .union([z.number(), z.string()], { error: expecting('an amount in USD, such as 5000') })
  .refine((v) => (typeof v === 'number' ? v > 0 && Number.isFinite(v) : /^\d+(\.\d+)?$/.test(v.trim())), {
    error: (iss) => expecting('an amount in USD above 0, such as 5000')({ input: iss.input }),
  });

export const budgetSchema = z.strictObject({
  /** Optional: defaults to `<scope>-<subject>-<period>` (a person's subject hashed); the history refers to it. */
  id: id.optional(),
  scope: z.enum(BUDGET_SCOPES, { error: expecting(`one of ${BUDGET_SCOPES.join(', ')}`) }),
  /** The team, workflow or person id of mileage.yaml; the key id as in `keys:`; a tool name (claude-code). */
  subject: z.union([z.string().trim().min(1), z.number()], { error: expecting('the id the budget is for') }),
  amount,
  period: z.enum(BUDGET_PERIODS, { error: expecting(`one of ${BUDGET_PERIODS.join(', ')}`) }),
  /** Percentages of the amount that alert once each per period (default 50, 80, 100). */
  thresholds: z
    .array(percent, { error: expecting('a list of percentages, such as [50, 80, 100]') })
    .min(1, 'expected at least one threshold')
    .optional(),
  /** Alert when the trend says the period will end over budget (default true). */
  forecast: z.boolean({ error: expecting('true or false') }).optional(),
});
export type BudgetEntry = z.infer<typeof budgetSchema>;

const on = z.boolean({ error: expecting('true or false') }).default(true);
const positive = (what: string) => z.number({ error: expecting(what) }).positive({ error: expecting(what) });
const whole = (what: string, min = 1) =>
  z
    .number({ error: expecting(what) })
    .int({ error: expecting(what) })
    .min(min, { error: expecting(what) });

/** Each rule's thresholds, with defaults that match the weekly diagnostic's own rules where one exists. */
export const rulesSchema = z.strictObject({
  budget: z.strictObject({ enabled: on }).default({ enabled: true }),
  spend_spike: z
    .strictObject({
      enabled: on,
      /** A day flags when it is above median + mads × MAD and above multiple × median (diagnostic: 6 and 3). */
      mads: positive('a number of MADs above the median, such as 6').default(6),
      multiple: positive('a multiple of the median, such as 3').default(3),
      /** Days at the end of the data checked on each run. */
      recent_days: whole('a number of days, such as 2').default(2),
    })
    .default({ enabled: true, mads: 6, multiple: 3, recent_days: 2 }),
  runaway_session: z
    .strictObject({
      enabled: on,
      /** Tokens at least this many times the cohort's (tool and team) median session. */
      multiple: positive('a multiple of the cohort median, such as 10').default(10),
      min_cohort_sessions: whole('a number of sessions, such as 20').default(20),
      /** A session that keeps making requests for this many hours… */
      loop_hours: positive('hours, such as 4').default(4),
      /** …at this many requests an hour or more is looping. */
      loop_requests_per_hour: positive('requests per hour, such as 60').default(60),
    })
    .default({
      enabled: true,
      multiple: 10,
      min_cohort_sessions: 20,
      loop_hours: 4,
      loop_requests_per_hour: 60,
    }),
  tokens_per_point: z
    .strictObject({
      enabled: on,
      /** A team's tokens per delivery point rose week over week this many weeks in a row. */
      weeks: whole('a number of weeks, such as 3', 2).default(3),
      /** And by at least this factor from the first week to the last. */
      min_rise: positive('a factor, such as 1.5').default(1.5),
    })
    .default({ enabled: true, weeks: 3, min_rise: 1.5 }),
  new_model: z
    .strictObject({
      enabled: on,
      /** A model first seen within this many days… */
      new_within_days: whole('a number of days, such as 28').default(28),
      /** …that took at least this share of last week's spend. */
      share: z
        .number({ error: expecting('a share between 0 and 1, such as 0.2') })
        .gt(0)
        .max(1)
        .default(0.2),
    })
    .default({ enabled: true, new_within_days: 28, share: 0.2 }),
  unpriced_model: z.strictObject({ enabled: on }).default({ enabled: true }),
  source_silent: z
    .strictObject({
      enabled: on,
      /** Days in a row a daily source was silent while others reported (at least 2). */
      days: whole('a number of days, at least 2', 2).default(2),
    })
    .default({ enabled: true, days: 2 }),
});
export type RuleSettings = z.infer<typeof rulesSchema>;

export const CHANNELS = ['slack', 'teams', 'email', 'webhook'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const alertsSchema = z.strictObject({
  /**
   * Whose view alert bodies are written as: `viewer` (an org-wide viewer under the privacy settings, the
   * default: a channel is read by many) or `team` (a manager of the subject's team, who may see its people
   * where `individuals: team` allows).
   */
  audience: z.enum(['viewer', 'team'], { error: expecting('viewer or team') }).default('viewer'),
  /** Where alerts go (each configured under `notify:`); default: every channel `notify:` configures. */
  channels: z
    .array(z.enum(CHANNELS, { error: expecting(`one of ${CHANNELS.join(', ')}`) }), {
      error: expecting('a list of channels, such as [slack, email]'),
    })
    .optional(),
  /** Minutes between scheduled evaluations while `mileage serve` runs (0: only after ingests and syncs). */
  interval_minutes: whole('minutes, such as 60', 0).default(60),
  rules: rulesSchema.default(rulesSchema.parse({})),
});
export type AlertsEntry = z.infer<typeof alertsSchema>;

/** A budget as the rules use it: the amount exact, the defaults filled in. */
export interface Budget {
  id: string;
  scope: BudgetScope;
  subject: string;
  amount: Usd;
  period: BudgetPeriod;
  /** Ascending percentages. */
  thresholds: number[];
  forecast: boolean;
  /** Where it was set: the org file, or the API (stored). */
  origin: 'file' | 'api';
}

export const DEFAULT_THRESHOLDS = [50, 80, 100] as const;

export interface GovernanceSettings {
  /**
   * Whether the org file asks for alerting (an `alerts:` or `budgets:` section): without one, nothing is
   * evaluated, so an org that posts only its weekly report to Slack gets no alerts there it did not ask for.
   */
  enabled: boolean;
  budgets: Budget[];
  alerts: AlertsEntry;
}

export function defaultGovernance(): GovernanceSettings {
  return { enabled: false, budgets: [], alerts: alertsSchema.parse({}) };
}

/**
 * A budget's default id. A person's is made from a hash of their id: budget ids travel in alert payloads
 * and the alert history, where the person may not be named.
 */
export function budgetId(scope: BudgetScope, subject: string, period: BudgetPeriod): string {
  return `${scope}-${scope === 'person' ? recordId('budget-person', subject).slice(0, 12) : subject}-${period}`;
}
