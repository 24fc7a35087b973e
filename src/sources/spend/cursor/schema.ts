import { z } from 'zod';

/** A count that some Cursor endpoints send as a string (reference §6.4): coerced, never negative. */
const tokens = z
  .union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'expected a number')])
  .transform(Number)
  .pipe(z.number().int('expected a whole number of tokens').nonnegative('negative token count'));

/** Cents as a number or a decimal string, kept as decimal text so money never goes through a float sum. */
const cents = z
  .union([z.number().nonnegative('negative amount'), z.string().regex(/^\d+(\.\d+)?$/, 'expected cents')])
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .refine((v) => /^\d+(\.\d+)?$/.test(v), 'expected cents in decimal notation');

/** One event of POST /teams/filtered-usage-events (reference §6.4). */
export const usageEventSchema = z.object({
  /** When the request ran: epoch milliseconds, sent as a string. */
  timestamp: z
    .union([z.string().regex(/^\d+$/, 'expected epoch milliseconds'), z.number().int().nonnegative()])
    .transform(Number)
    .refine((ms) => Number.isFinite(new Date(ms).getTime()), 'timestamp out of range'),
  /** Cursor's model name (`claude-4.5-sonnet`): normalised for pricing and the model-fit audit. */
  model: z.string().min(1),
  /**
   * Billing category: "Included in Business" (or a newer `…INCLUDED…` value) is covered by the person's
   * seat; "Usage-based" is charged to the team on top.
   */
  kind: z.string(),
  /** Request units (not money): kept out of the record, which counts one request per event. */
  requestsCosts: z.union([z.number(), z.string()]).optional(),
  /** False for request-priced calls, which then have no tokenUsage. */
  isTokenBasedCall: z.boolean().optional(),
  /** Tokens of the request, and Cursor's estimate of their cost; absent when not token-based. */
  tokenUsage: z
    .object({
      /** Taken as uncached input (Cursor reports cache reads and writes separately). */
      inputTokens: tokens.default(0),
      outputTokens: tokens.default(0),
      cacheWriteTokens: tokens.default(0),
      cacheReadTokens: tokens.default(0),
      /** The model cost in cents: used when chargedCents is absent. */
      totalCents: cents.optional(),
    })
    .optional(),
  /** The authoritative charge in cents (model cost + Cursor's token fee) when present. */
  chargedCents: cents.optional(),
  /** The person: the identity resolved through the directory. */
  userEmail: z.string().optional(),
});

/** A page of usage events; each event is validated on its own. */
export const usageEventsPageSchema = z.object({ usageEvents: z.array(z.unknown()) });
