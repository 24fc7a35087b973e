import { z } from 'zod';

const count = z.number().int().nonnegative();

/** The fields of an assistant transcript line that Mileage reads; everything else (content!) is ignored. */
export const assistantLineSchema = z.object({
  type: z.literal('assistant'),
  /** The true session id: ties requests to a session, and sessions to a branch and a PR. */
  sessionId: z.string().min(1).optional(),
  /** Working directory: gives the repository. */
  cwd: z.string().optional(),
  /** The branch the session worked on: the join to the PR it produced. */
  gitBranch: z.string().optional(),
  version: z.string().optional(),
  /** Anthropic request id; half of the deduplication key, and the join to OTel `request_id`. */
  requestId: z.string().min(1).optional(),
  timestamp: z.string().datetime({ offset: true }),
  /** Present only in older versions: the tool's own cost estimate, in dollars. */
  costUSD: z.number().nonnegative().optional(),
  message: z.object({
    id: z.string().min(1),
    model: z.string().min(1),
    usage: z.object({
      input_tokens: count,
      cache_creation_input_tokens: count.optional(),
      cache_read_input_tokens: count.optional(),
      cache_creation: z
        .object({ ephemeral_5m_input_tokens: count.optional(), ephemeral_1h_input_tokens: count.optional() })
        .optional(),
      output_tokens: count,
    }),
  }),
});

export type AssistantLine = z.infer<typeof assistantLineSchema>;
