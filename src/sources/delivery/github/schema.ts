import { z } from 'zod';

/** A PullRequest node of the GitHub GraphQL search (reference §8.1): what Mileage reads of it. */
export const pullNodeSchema = z.object({
  number: z.number().int().positive(),
  /** Read for revert detection and ticket keys only; never stored. */
  title: z.string(),
  createdAt: z.string().datetime({ offset: true }),
  mergedAt: z.string().datetime({ offset: true }).nullable(),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  changedFiles: z.number().int().nonnegative(),
  /** The branch: the join to agent sessions that worked on it. */
  headRefName: z.string().optional(),
  author: z.object({ login: z.string() }).nullable(),
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }).default({ nodes: [] }),
  commits: z
    .object({
      nodes: z.array(
        z.object({
          commit: z.object({
            message: z.string(),
            authoredDate: z.string().datetime({ offset: true }).optional(),
            author: z
              .object({
                name: z.string().optional(),
                email: z.string().optional(),
                user: z.object({ login: z.string() }).nullable().optional(),
              })
              .optional(),
          }),
        }),
      ),
    })
    .default({ nodes: [] }),
});
