import { z } from 'zod';

/**
 * What a gateway virtual key says about the requests made with it (issue 21): the team always, and where
 * given the person, the workflow, the workload type, the models it may call, when it stops working, and
 * whether it is a sandbox key (the only kind that may carry a hard cap). This is level-1 attribution
 * evidence: tags given at issuance, before any request is sent.
 */
export interface KeySpec {
  team: string;
  person: string | null;
  workflow: string | null;
  workloadType: string | null;
  /** Models the key may call (exact names); null: any. */
  models: string[] | null;
  /** ISO-8601 instant after which the key is refused; null: never. */
  expiresAt: string | null;
  sandbox: boolean;
  /** A soft monthly budget (decimal USD at list prices): crossing `alertAt` percents of it alerts, never blocks. */
  budgetUsd: string | null;
  /** Percents of the budget that alert once each per month (default 50, 80, 100). */
  alertAt: number[] | null;
  /** A hard monthly cap (decimal USD), on sandbox keys only: past it requests are refused. */
  capUsd: string | null;
}

/** A key as listed: its spec and lifecycle, never the key itself (only its hash is stored). */
export interface KeyInfo extends KeySpec {
  id: string;
  createdAt: string;
  revokedAt: string | null;
}

/** A live key as the gateway holds it: the hash it is looked up by, and what it attributes. */
export interface KeyEntry extends KeySpec {
  id: string;
  hash: string;
}

const name = z.string().trim().min(1).max(200);
const decimalUsd = z
  .string()
  .regex(/^\d{1,7}(\.\d{1,10})?$/, 'a decimal amount of dollars, e.g. 250 or 99.50');

/** The spec as the admin API takes it (and as the CLI sends it), each field with why it is bounded. */
export const keySpecSchema = z.strictObject({
  team: name,
  person: name.nullish(),
  workflow: name.nullish(),
  workloadType: name.nullish(),
  // A handful of models per key; a name longer than 200 characters is no model.
  models: z.array(name).max(100).nullish(),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
  sandbox: z.boolean().optional(),
  // Money as decimal text, never a float; a cent to a million dollars a month.
  budgetUsd: decimalUsd.nullish(),
  alertAt: z.array(z.number().int().min(1).max(1000)).max(10).nullish(),
  capUsd: decimalUsd.nullish(),
});

export function keySpecOf(input: z.infer<typeof keySpecSchema>): KeySpec {
  return {
    team: input.team,
    person: input.person ?? null,
    workflow: input.workflow ?? null,
    workloadType: input.workloadType ?? null,
    models: input.models && input.models.length > 0 ? input.models : null,
    expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
    sandbox: input.sandbox ?? false,
    budgetUsd: input.budgetUsd ?? null,
    alertAt: input.budgetUsd && input.alertAt && input.alertAt.length > 0 ? input.alertAt : null,
    capUsd: input.capUsd ?? null,
  };
}

/** Why a spec cannot be a key: a cap is for sandbox keys only (issue 21: budgets alert, they never block). */
export function specProblem(spec: KeySpec): string | null {
  if (spec.capUsd !== null && !spec.sandbox) return 'a hard cap is for --sandbox keys only; use a budget';
  return null;
}

/**
 * `--expires`: a date or instant (`2026-12-31`, `2026-12-31T18:00:00Z`) or a duration from now (`30d`, `12h`).
 * Null when it is neither.
 */
export function expiryOf(text: string, now: Date = new Date()): string | null {
  const span = /^(\d{1,5})([dh])$/.exec(text.trim());
  if (span) {
    const hours = Number(span[1]) * (span[2] === 'd' ? 24 : 1);
    return new Date(now.getTime() + hours * 3_600_000).toISOString();
  }
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()}T23:59:59.999Z` : text.trim();
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
