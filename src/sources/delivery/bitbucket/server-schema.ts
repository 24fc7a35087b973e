import { z } from 'zod';

/**
 * Bitbucket Data Center / Server REST 1.0 shapes Mileage reads (developer.atlassian.com/server/bitbucket/
 * rest/ api-group-pull-requests): a pull request of `GET /rest/api/1.0/projects/{key}/repos/{slug}/
 * pull-requests`, the items of its `/commits` and `/activities` pages, its `/diff` and the Jira keys of
 * `GET /rest/jira/1.0/…/pull-requests/{id}/issues`. Pages are `{values, isLastPage, nextPageStart}`; times
 * are epoch milliseconds.
 */
const epochMs = z.number().int().nonnegative();

/** A user: `name` (the login, which the directory lists), `slug`, `emailAddress`. */
const user = z.object({
  name: z.string().optional(),
  slug: z.string().optional(),
  emailAddress: z.string().optional(),
  displayName: z.string().optional(),
});

export const serverPageSchema = z.object({
  values: z.array(z.unknown()),
  isLastPage: z.boolean(),
  nextPageStart: z.number().int().nullable().optional(),
});

export const serverPullSchema = z.object({
  id: z.number().int().positive(),
  /** Read for reverts, ticket keys and the category; never stored. */
  title: z.string(),
  /** OPEN, MERGED or DECLINED. */
  state: z.string(),
  createdDate: epochMs,
  updatedDate: epochMs,
  /** When it was merged (or declined). */
  closedDate: epochMs.optional(),
  /** The source branch: `displayId` is its short name (`feature/BILL-231-pdf`). */
  fromRef: z.object({ displayId: z.string() }).optional(),
  author: z.object({ user }).optional(),
});

/** An item of `/pull-requests/{id}/commits`. */
export const serverCommitSchema = z.object({
  id: z.string(),
  message: z.string(),
  authorTimestamp: epochMs.optional(),
  author: z.object({ name: z.string().optional(), emailAddress: z.string().optional() }).optional(),
});

/** An item of `/pull-requests/{id}/activities`: APPROVED, COMMENTED, REVIEWED… by a user, at a time. */
export const serverActivitySchema = z.object({
  action: z.string(),
  createdDate: epochMs,
  user: user.optional(),
});

const diffPath = z.object({ toString: z.string() }).nullable().optional();

/** `/pull-requests/{id}/diff?contextLines=0`: files, their hunks and segments of ADDED/REMOVED lines. */
export const serverDiffSchema = z.object({
  diffs: z.array(
    z.object({
      source: diffPath,
      destination: diffPath,
      hunks: z
        .array(
          z.object({
            segments: z.array(z.object({ type: z.string(), lines: z.array(z.unknown()) })),
          }),
        )
        .optional(),
    }),
  ),
});

/** `GET /rest/jira/1.0/…/pull-requests/{id}/issues`: the Jira issues linked to the PR's commits. */
export const serverJiraIssuesSchema = z.array(z.object({ key: z.string() }));

export type ServerPull = z.infer<typeof serverPullSchema>;
