import { z } from 'zod';

/** Numbers that some Cursor endpoints send as strings. */
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number);

/** One event of POST /teams/filtered-usage-events (reference §6.4). */
export const usageEventSchema = z.object({
  /** Epoch milliseconds, as a string. */
  timestamp: z.union([z.string().regex(/^\d+$/), z.number()]).transform(Number),
  model: z.string().min(1),
  /** Billing category: "Included in Business" belongs to the seat, "Usage-based" is charged on top. */
  kind: z.string(),
  requestsCosts: num.optional(),
  isTokenBasedCall: z.boolean().optional(),
  tokenUsage: z
    .object({
      inputTokens: num.default(0),
      outputTokens: num.default(0),
      cacheWriteTokens: num.default(0),
      cacheReadTokens: num.default(0),
      totalCents: num.optional(),
    })
    .optional(),
  /** The authoritative charge (model cost + Cursor's fee) when present. */
  chargedCents: num.optional(),
  userEmail: z.string().optional(),
});

export const usageEventsPageSchema = z.object({ usageEvents: z.array(z.unknown()) });
