import { z } from 'zod';

const count = z.number().int().nonnegative();
const nullableId = z.string().nullable().optional();

/** One bucket of /v1/organizations/usage_report/messages; dimensions are null unless grouped by them. */
export const usageResultSchema = z.object({
  uncached_input_tokens: count,
  cache_read_input_tokens: count.default(0),
  cache_creation: z
    .object({ ephemeral_5m_input_tokens: count.default(0), ephemeral_1h_input_tokens: count.default(0) })
    .default({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }),
  output_tokens: count,
  /** Key → owner, team and workflow through mileage.yaml. */
  api_key_id: nullableId,
  /** Workspace: the billing stream within the organisation. */
  workspace_id: nullableId,
  account_id: nullableId,
  model: nullableId,
  service_tier: nullableId,
  context_window: nullableId,
});

/** One result of /v1/organizations/cost_report: `amount` is a decimal string in cents. */
export const costResultSchema = z.object({
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string of cents'),
  currency: z.literal('USD'),
  workspace_id: nullableId,
  description: nullableId,
  model: nullableId,
  token_type: nullableId,
  service_tier: nullableId,
  context_window: nullableId,
});

/** A report page: buckets oldest first, each with its results (validated one by one, see parse.ts). */
export const pageSchema = z.object({
  data: z.array(
    z.object({
      starting_at: z.string().datetime({ offset: true }),
      ending_at: z.string().datetime({ offset: true }),
      results: z.array(z.unknown()),
    }),
  ),
  has_more: z.boolean().optional(),
  next_page: z.string().nullable().optional(),
});
