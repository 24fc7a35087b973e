import { z } from 'zod';
import { RECORD_BOUNDS } from '../domain/record-bounds.js';
import { isValidTimeZone, parseDay } from '../domain/time.js';
import { expecting } from './messages.js';

/**
 * The shape of `mileage.yaml`, validated at the edge. Objects are strict: an unknown key is a typo until
 * proven otherwise, and a typo in an org file silently mis-attributes spend. References between sections
 * (a person's team, a key's owner) and alias clashes are checked in cross-check.ts, because zod sees one
 * value at a time. Money is accepted here as a number or a decimal string; load.ts re-reads it from the
 * YAML source text so it becomes a decimal without passing through a float.
 */

/**
 * Ids are written by people and referenced from other sections: keep them to plain characters (which also
 * makes a workflow id safe as a directory name, as audit capture uses it).
 */
const id = z
  .string({ error: expecting('an id (text)') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected an id made of letters, digits, ".", "_" or "-"');

const text = z
  .string({ error: expecting('text') })
  .trim()
  .min(1, 'expected text, got an empty value')
  .max(RECORD_BOUNDS.textChars, `expected at most ${RECORD_BOUNDS.textChars} characters`);

/** A calendar day, checked against the calendar (2026-02-30 is not a day). */
const day = z.string({ error: expecting('a day as YYYY-MM-DD') }).refine(
  (v) => {
    try {
      parseDay(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `expected a real day as YYYY-MM-DD, got "${String(iss.input)}"` },
);

export { id as orgId };

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;

/**
 * USD as written: a plain number (`19`, `0.40`) or the same quoted. Negative prices are always a mistake, and
 * an amount beyond the record bound (domain/record-bounds.ts) is a typo the store's exact decimals cannot
 * hold (a seat price of 1e20 once failed the directory's load with no field named).
 */
const money = z
  .union([z.number(), z.string()], { error: expecting('an amount in USD, such as 19 or 0.40') })
  .superRefine((v, ctx) => {
    const ok = typeof v === 'number' ? Number.isFinite(v) && v >= 0 : PLAIN_DECIMAL.test(v.trim());
    if (!ok)
      ctx.addIssue({
        code: 'custom',
        message: expecting('an amount in USD >= 0, such as 19 or 0.40')({ input: v }),
      });
    else if (Number(v) > RECORD_BOUNDS.amountUsd)
      ctx.addIssue({
        code: 'custom',
        message: `${String(v).slice(0, 40)} is beyond the bound of ${RECORD_BOUNDS.amountUsd.toLocaleString('en-US')} USD`,
      });
  });

/**
 * Alias values are compared as text, but numeric ids (Jira, provider account ids) are often written bare;
 * accept numbers and let load.ts take their source text so a long id is not rounded by a float.
 */
const aliasList = z
  .array(z.union([z.string().trim().min(1), z.number()], { error: expecting('text') }), {
    error: expecting('a list, such as [ana@acme.com]'),
  })
  .optional();

/** A section that may be left empty (`teams:` with every entry commented out reads as null). */
function list<T extends z.ZodType>(item: T) {
  return z
    .array(item, { error: expecting('a list of entries, each starting with "- "') })
    .nullish()
    .transform((v) => v ?? []);
}

/** Effective dates are half-open, like every window in Mileage: `from` inclusive, `until` exclusive. */
function period<T extends { from?: string | undefined; until?: string | undefined }>(
  v: T,
  ctx: z.RefinementCtx,
) {
  if (v.from !== undefined && v.until !== undefined && v.until <= v.from) {
    ctx.addIssue({
      code: 'custom',
      path: ['until'],
      message: `expected a day after from (${v.from}); until is exclusive`,
    });
  }
}

export const privacySchema = z.strictObject({
  /** Team by default: people are named only to admins and to managers of their own team. */
  individuals: z
    .enum(['visible', 'team', 'hidden'], { error: expecting('one of visible, team, hidden') })
    .default('team'),
  /** Below 5 people a group's numbers point at individuals. */
  min_group_size: z
    .number({ error: expecting('a whole number >= 1') })
    .int('expected a whole number >= 1')
    .min(1, 'expected a whole number >= 1')
    .default(5),
});

export const teamSchema = z.strictObject({
  id,
  name: text,
  /** USD per engineer per year, for ROI; optional because many orgs will not share it. */
  loaded_cost_per_engineer: money.optional(),
  /** Person id: an experienced engineer who gets the team's high-usage alerts as coaching prompts. */
  coach: id.optional(),
  /** Person id: gets the weekly digest of the team's alerts and how they ended. */
  manager: id.optional(),
});

export const personSchema = z.strictObject({
  id,
  name: text,
  team: id.optional(),
  /** Each list is one kind of identity the sources report; all optional. */
  emails: aliasList,
  git_names: aliasList,
  logins: aliasList,
  tracker_ids: aliasList,
  key_ids: aliasList,
  account_ids: aliasList,
});

export const keySchema = z.strictObject({
  /** The provider's key id or the gateway's virtual key name: not ours, so any text. */
  id: z.union([z.string().trim().min(1), z.number()], { error: expecting('the key id (text)') }),
  name: text,
  owner: id.optional(),
  team: id.optional(),
  workflow: id.optional(),
  workload_type: text.optional(),
});

export const workflowSchema = z.strictObject({
  id,
  name: text,
  outcome_kind: text.optional(),
  quality_bar: text.optional(),
  team: id.optional(),
});

export const seatSchema = z
  .strictObject({
    tool: text,
    plan: text.optional(),
    /** USD per seat per month. */
    monthly_price: money,
    assignees: z.union([z.literal('all'), z.array(id)], {
      error: expecting('a list of person ids such as [ana, bo], or all'),
    }),
    from: day.optional(),
    until: day.optional(),
  })
  .superRefine(period);

export const accountSchema = z.strictObject({
  tool: text,
  /** `<provider>:<account>`, the same stream names the spend sources use. */
  stream: text,
});

/**
 * One object with both forms' fields, checked by hand: a zod union of two strict objects reports "invalid
 * input" for a typo in either, where the user needs to hear which field is wrong.
 */
export const priceOverrideSchema = z
  .strictObject({
    provider: text.optional(),
    /** 15 means 15% off list. */
    discount_percent: money.optional(),
    model: text.optional(),
    /** USD per million tokens. */
    input_per_mtok: money.optional(),
    output_per_mtok: money.optional(),
    cache_read_per_mtok: money.optional(),
    cache_write_per_mtok: money.optional(),
    from: day.optional(),
    until: day.optional(),
  })
  .superRefine((o, ctx) => {
    const add = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (o.discount_percent !== undefined) {
      if (o.provider === undefined)
        add(['provider'], 'missing: the provider the discount applies to, such as anthropic');
      if (typeof o.discount_percent === 'number' && o.discount_percent > 100)
        add(['discount_percent'], 'expected a percentage between 0 and 100');
      for (const k of ['model', 'input_per_mtok', 'output_per_mtok'] as const) {
        if (o[k] !== undefined)
          add([k], 'a discount applies to a whole provider: put model prices in an entry of their own');
      }
    } else if (o.model !== undefined) {
      if (o.input_per_mtok === undefined) add(['input_per_mtok'], 'missing: USD per million input tokens');
      if (o.output_per_mtok === undefined) add(['output_per_mtok'], 'missing: USD per million output tokens');
    } else {
      add(
        [],
        'expected either provider with discount_percent, or model with input_per_mtok and output_per_mtok',
      );
    }
    period(o, ctx);
  });

/**
 * A factor on the whole price of requests served a certain way, as negotiated or published: one of
 * service_tier, inference_geo, speed or batch, with the provider it applies to.
 */
export const priceMultiplierSchema = z
  .strictObject({
    provider: text.optional(),
    service_tier: text.optional(),
    inference_geo: text.optional(),
    speed: text.optional(),
    batch: z.boolean({ error: expecting('true or false') }).optional(),
    /** 1.25 = 25% above list; 0.5 = half. */
    factor: money,
    from: day.optional(),
    until: day.optional(),
  })
  .superRefine((o, ctx) => {
    const set = [o.service_tier, o.inference_geo, o.speed, o.batch].filter((v) => v !== undefined);
    if (set.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'expected exactly one of service_tier, inference_geo, speed or batch',
      });
    period(o, ctx);
  });

/** A secret (a webhook URL, a password) is never written in the file: the file names the variable holding it. */
const envName = z
  .string({ error: expecting('the name of an environment variable, e.g. MILEAGE_SLACK_WEBHOOK') })
  .regex(/^[A-Z][A-Z0-9_]*$/, 'expected an environment variable name (A-Z, 0-9, _), not the value itself');

/** An SMTP relay: where alert and report emails are sent from; the login comes from the environment. */
export const emailSchema = z.strictObject({
  host: z.string({ error: expecting('the SMTP host, such as smtp.acme.com') }).min(1),
  port: z
    .number({ error: expecting('the SMTP port, such as 587') })
    .int()
    .min(1)
    .max(65_535)
    .default(587),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  secure: z.boolean({ error: expecting('true or false') }).default(false),
  from: z.email({ error: expecting('the sender address, such as mileage@acme.com') }),
  /** Where org-wide alerts and the weekly report go (coaches and managers get theirs at their own address). */
  to: z
    .array(z.email({ error: expecting('an email address') }), { error: expecting('a list of addresses') })
    .optional(),
  user_env: envName.optional(),
  password_env: envName.optional(),
});

/**
 * Where reports are posted. The webhook URL is a secret: the file names the environment variable that
 * holds it, never the URL.
 */
export const notifySchema = z.strictObject({
  slack: z
    .strictObject({
      webhook_env: z
        .string({ error: expecting('the name of an environment variable, e.g. MILEAGE_SLACK_WEBHOOK') })
        .regex(
          /^[A-Z][A-Z0-9_]*$/,
          'expected an environment variable name (A-Z, 0-9, _), not the URL itself',
        ),
    })
    .optional(),
  /** Microsoft Teams incoming webhook or Workflows ("Post to a channel when a webhook request is received"). */
  teams: z.strictObject({ webhook_env: envName }).optional(),
  email: emailSchema.optional(),
  /** A generic HTTPS endpoint; each body is signed with HMAC-SHA256 under the secret in `secret_env`. */
  webhook: z.strictObject({ url_env: envName, secret_env: envName }).optional(),
});

/** `mileage serve`: where it listens, how often it syncs the API sources, how much ingestion it takes. */
export const serverSchema = z.strictObject({
  host: z
    .string({ error: expecting('an address such as 127.0.0.1') })
    .min(1)
    .optional(),
  port: z
    .number({ error: expecting('a port number') })
    .int()
    .min(0)
    .max(65_535)
    .optional(),
  sync_interval_minutes: z
    .number({ error: expecting('minutes between scheduled syncs (0 = none)') })
    .int()
    .min(0)
    .max(10_080)
    .optional(),
  ingest_requests_per_minute: z
    .number({ error: expecting('requests per token per minute') })
    .int()
    .min(1)
    .optional(),
  // The names clients reach the server by (a DNS name, not an address): requests for other names are refused.
  public_names: z
    .array(
      z
        .string()
        .regex(
          /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i,
          'expected a host name such as mileage.acme.internal',
        ),
      { error: expecting('a list of host names') },
    )
    .optional(),
  // The OTLP receiver needs an ingest token (Authorization: Bearer), as the ingestion API does.
  otlp_token_required: z.boolean({ error: expecting('true or false') }).optional(),
});

/**
 * How the org delivers. `trunk_based` lists repositories whose unit of delivery is a commit pushed to the
 * default branch (no PRs): their direct pushes count as merged work. Elsewhere direct pushes are reported
 * beside PRs, never inside them. A repository is named as `ingest git` names it (`github.com/acme/billing`),
 * as `owner/name`, or by the path of a clone.
 */
export const deliverySchema = z.strictObject({
  trunk_based: z
    .array(text, { error: expecting('a list of repositories, such as [github.com/acme/billing]') })
    .optional(),
});

/**
 * The expected tokens per dollar of a kind of work (`workload_type` on keys; person agents are
 * agentic-coding), for efficiency.expected_band and the model-fit finding. A configured band is used as it
 * is; a type without one is compared with the other workloads of its type across the org.
 */
const tokensPerDollar = z
  .number({ error: expecting('tokens per dollar, a positive number such as 500000') })
  .positive({ error: expecting('tokens per dollar, a positive number such as 500000') });

export const workloadTypeSchema = z
  .strictObject({
    type: text,
    tokens_per_dollar: z.strictObject(
      { low: tokensPerDollar, high: tokensPerDollar },
      { error: expecting('a band such as { low: 500000, high: 2000000 }') },
    ),
  })
  .refine((w) => w.tokens_per_dollar.low <= w.tokens_per_dollar.high, {
    error: 'tokens_per_dollar.low is above tokens_per_dollar.high',
    path: ['tokens_per_dollar', 'low'],
  });

/** Connector settings: each connector validates its own; here only that every source is a mapping. */
const sourceConfig = z
  .record(z.string(), z.unknown(), { error: 'expected the source settings as a mapping (key: value)' })
  .nullish()
  .transform((v) => v ?? {});

export const orgFileSchema = z.strictObject({
  org: text,
  time_zone: z
    .string({ error: expecting('an IANA time zone such as Europe/Berlin') })
    .refine(isValidTimeZone, {
      error: (iss) =>
        `unknown time zone "${String(iss.input)}": expected an IANA name such as Europe/Berlin or UTC`,
    })
    .default('UTC'),
  privacy: privacySchema.nullish().transform((v) => v ?? privacySchema.parse({})),
  teams: list(teamSchema),
  people: list(personSchema),
  keys: list(keySchema),
  workflows: list(workflowSchema),
  seats: list(seatSchema),
  accounts: list(accountSchema),
  price_overrides: list(priceOverrideSchema),
  price_multipliers: list(priceMultiplierSchema),
  notify: notifySchema.nullish().transform((v) => v ?? {}),
  server: serverSchema.nullish().transform((v) => v ?? {}),
  delivery: deliverySchema.nullish().transform((v) => v ?? {}),
  workload_types: list(workloadTypeSchema),
  /** Model-selection audit bars: validated by the audit module (src/audit/bar.ts), which owns their shape. */
  quality_bars: z.array(z.unknown()).nullish(),
  /** Budgets and alert rules: validated by the governance module (src/governance/config-file.ts). */
  budgets: z.array(z.unknown()).nullish(),
  alerts: z.unknown().optional(),
  /** Experiments and their success definitions: validated by src/governance/experiment-config.ts. */
  experiments: z.array(z.unknown()).nullish(),
  /** Workflows opted in to audit capture: validated by the audit module (src/audit/capture-opt-in.ts). */
  audit_capture: z.array(z.unknown()).nullish(),
  sources: z
    .record(z.string(), sourceConfig, { error: 'expected a mapping of source name to its settings' })
    .nullish()
    .transform((v) => v ?? {}),
});

export type OrgFile = z.infer<typeof orgFileSchema>;

/** The fields each kind of entry allows, to tell the user what was expected instead of an unknown field. */
export const KNOWN_FIELDS = {
  '': Object.keys(orgFileSchema.shape),
  privacy: Object.keys(privacySchema.shape),
  teams: Object.keys(teamSchema.shape),
  people: Object.keys(personSchema.shape),
  keys: Object.keys(keySchema.shape),
  workflows: Object.keys(workflowSchema.shape),
  seats: Object.keys(seatSchema.shape),
  accounts: Object.keys(accountSchema.shape),
  price_overrides: Object.keys(priceOverrideSchema.shape),
  price_multipliers: Object.keys(priceMultiplierSchema.shape),
  notify: Object.keys(notifySchema.shape),
  server: Object.keys(serverSchema.shape),
  delivery: Object.keys(deliverySchema.shape),
  workload_types: ['type', 'tokens_per_dollar'],
} as const satisfies Record<string, string[]>;
