import { z } from 'zod';
import { parseInstant } from '../../../domain/instant.js';

/**
 * Workflow outcomes file: what AI workflows that are not code produce (tickets resolved by a support bot,
 * alerts triaged, reviews posted, deals closed). A CSV file with a header row (RFC 4180 quoting; column
 * names are case-insensitive; other columns are ignored) or a JSONL file with one object per line using the
 * same keys. An empty cell, or a null or absent key, is "not given".
 *
 * | column     | required | format                                               | why it matters                              |
 * |------------|----------|------------------------------------------------------|---------------------------------------------|
 * | `at`       | yes      | ISO-8601 with `Z` or an offset (`2026-07-01T10:00:00Z`), or a date `2026-07-01` (UTC midnight) | the day and week the outcome counts in |
 * | `workflow` | yes      | workflow id, as in mileage.yaml                      | joins the outcome to the workflow's spend   |
 * | `kind`     | yes      | outcome kind, e.g. `alert_triaged`, `ticket_resolved` | what was produced; the unit of cost per outcome |
 * | `count`    | no       | whole number ≥ 0; default 1                          | one row can stand for a day's batch         |
 * | `value`    | no       | decimal USD, dot separator, no thousands separator (`1250.50`) | business value, for return on spend |
 * | `actor`    | no       | email or login, when a person is involved            | attribution to a person and team            |
 * | `ref`      | no       | external id of the outcome (ticket, alert, deal id)  | identity: re-importing the row stores it once |
 *
 * With `ref` a row's id is deterministic from (workflow, ref), so a corrected re-import replaces it. Without
 * it the id comes from the row's content and its occurrence among identical rows of the file: the same file
 * imported twice stores each row once, and two identical rows stay two outcomes.
 */

/** ISO-8601 instant with a zone, or a calendar date. A time without a zone is refused: it would be ambiguous. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/i;
const DECIMAL = /^-?\d+(\.\d+)?$/;

const given = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'missing' : `expected ${what}`),
});
/** Text; a number in JSONL (an id like 4711) is taken as its text. */
const text = z
  .union([z.string(), z.number()], given('text'))
  .transform((v) => String(v).trim())
  .pipe(z.string().min(1, 'missing'));

export const outcomeRowSchema = z.object({
  at: z
    .string(given('an ISO-8601 time'))
    .trim()
    .regex(ISO_INSTANT, 'not an ISO-8601 time with a zone (2026-07-01T10:00:00Z) or a date (2026-07-01)')
    // Strictly: Date alone takes 2026-02-30 as March 2.
    .transform((t) => parseInstant(t) ?? new Date(Number.NaN))
    .refine((d) => !Number.isNaN(d.getTime()), 'not a calendar date or time (2026-02-30?)'),
  workflow: text,
  kind: text,
  count: z
    .union([z.number(), z.string().trim().regex(DECIMAL, 'not a whole number >= 0')], given('a number'))
    .transform(Number)
    .pipe(z.number().int('not a whole number >= 0').nonnegative('not a whole number >= 0'))
    .default(1),
  value: z
    .union([z.number().transform(String), z.string().trim()], given('a decimal amount'))
    .refine((v) => DECIMAL.test(v), { error: (i) => `not a decimal amount: ${String(i.input)}` })
    .optional(),
  actor: text.optional(),
  ref: text.optional(),
});

export type OutcomeRow = z.infer<typeof outcomeRowSchema>;

export const OUTCOME_COLUMNS = ['at', 'workflow', 'kind', 'count', 'value', 'actor', 'ref'] as const;
export const REQUIRED_COLUMNS = ['at', 'workflow', 'kind'] as const;
