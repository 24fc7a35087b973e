import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

/** An Issue node of the Linear GraphQL API (reference §8.4): what Mileage reads of it. */
export const linearIssueSchema = z.object({
  /** The issue's UUID: its identity (the identifier changes when an issue moves between teams). */
  id: z.string().min(1),
  /** `BIL-231`: the ref, and the key PRs name in titles and branches. */
  identifier: z.string().min(1),
  /** Points on the team's estimate scale; null when not estimated. */
  estimate: z.number().nonnegative().nullable().optional(),
  /** When it was opened: the start of its lead time. */
  createdAt: instant,
  /** When it moved into a started state: the start of its epic's lead time. Null when never started. */
  startedAt: instant.nullable().optional(),
  /** When it was completed: the outcome's time. Null while open. */
  completedAt: instant.nullable().optional(),
  /** The watermark of incremental syncs. */
  updatedAt: instant.optional(),
  /** Only issues whose state type is `completed` are delivered work (`canceled` is not). */
  state: z.object({ type: z.string() }),
  /** Who delivered it (the Linear user id, resolved through tracker_ids); null when unassigned. */
  assignee: z.object({ id: z.string() }).nullable().optional(),
  /** The project (Linear's epic) it belongs to; null when none. */
  project: z
    .object({ id: z.string().min(1) })
    .nullable()
    .optional(),
  /** Linear has no issue types: labels (Bug, Feature…) decide the work category. */
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }).default({ nodes: [] }),
});

export type LinearIssue = z.infer<typeof linearIssueSchema>;
