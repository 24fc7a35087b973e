import { z } from 'zod';

/**
 * Bitbucket Cloud REST 2.0 shapes Mileage reads (developer.atlassian.com/cloud/bitbucket/rest/
 * api-group-pullrequests): a pull request of `GET /2.0/repositories/{workspace}/{repo}/pullrequests`, and the
 * items of its `/commits`, `/diffstat` and `/activity` lists. Every list is a page `{values, next, page,
 * pagelen}`; `next` is the URL of the following page.
 */
const instant = z.iso.datetime({ offset: true });

/** An account: `nickname` is the handle the directory lists; `account_id` the Atlassian account. */
const account = z.object({
  display_name: z.string().optional(),
  nickname: z.string().optional(),
  account_id: z.string().optional(),
  uuid: z.string().optional(),
});

export const cloudPageSchema = z.object({
  values: z.array(z.unknown()),
  next: z.string().optional(),
  page: z.number().int().optional(),
});

export const cloudPullSchema = z.object({
  /** The PR's number in its repository. */
  id: z.number().int().positive(),
  /** Read for reverts, ticket keys and the category; never stored. */
  title: z.string(),
  /** OPEN, MERGED, DECLINED or SUPERSEDED: only MERGED is delivered work. */
  state: z.string(),
  created_on: instant,
  /** The last change; for a merged PR without an activity log, the closest thing to its merge time. */
  updated_on: instant,
  /** Null for a deleted account. */
  author: account.nullable().optional(),
  /** The source branch (`source.branch.name`): the join to agent sessions. */
  source: z.object({ branch: z.object({ name: z.string() }).nullable().optional() }).optional(),
});

/** An item of `/pullrequests/{id}/commits`: `author.raw` is `Name <email>`, `author.user` the account. */
export const cloudCommitSchema = z.object({
  hash: z.string(),
  date: instant.optional(),
  /** Trailers (`Co-authored-by: Claude…`) are read; the text is not stored. */
  message: z.string(),
  author: z.object({ raw: z.string().optional(), user: account.nullable().optional() }).optional(),
});

/** An item of `/pullrequests/{id}/diffstat`: a file's lines added and removed (`old` null when added). */
export const cloudDiffstatSchema = z.object({
  lines_added: z.number().int().nonnegative(),
  lines_removed: z.number().int().nonnegative(),
  old: z.object({ path: z.string() }).nullable().optional(),
  new: z.object({ path: z.string() }).nullable().optional(),
});

/**
 * An item of `/pullrequests/{id}/activity`: one of `approval` (who approved, when), `comment` (who, when)
 * or `update` (a state change: the MERGED one dates the merge).
 */
export const cloudActivitySchema = z.object({
  approval: z.object({ date: instant, user: account.nullable().optional() }).optional(),
  comment: z.object({ created_on: instant, user: account.nullable().optional() }).optional(),
  update: z
    .object({ state: z.string().optional(), date: instant, author: account.nullable().optional() })
    .optional(),
});

export type CloudPull = z.infer<typeof cloudPullSchema>;
export type CloudAccount = z.infer<typeof account>;
