import type { OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import { parseEachItem } from '../../each-item.js';
import type { z } from 'zod';
import type { ReviewEvent } from '../review-timing.js';
import {
  cloudActivitySchema,
  cloudCommitSchema,
  cloudDiffstatSchema,
  cloudPullSchema,
  type CloudAccount,
} from './cloud-schema.js';
import { pullRecord, rawAuthor, type ChangedFile, type PullContext } from './pull.js';
import {
  serverActivitySchema,
  serverCommitSchema,
  serverDiffSchema,
  serverJiraIssuesSchema,
  serverPullSchema,
} from './server-schema.js';

/** What the connector read about one PR besides the list item (each list as the API gave it). */
export interface PullDetails {
  commits: unknown[];
  /** Cloud: diffstat items; Data Center: the `/diff` body. Null when not read. */
  diff: unknown;
  activity: unknown[];
  /** Data Center: the Jira issues linked to the PR (null when the Jira integration is absent). */
  jira?: unknown;
}

export interface BitbucketContext extends PullContext {
  file: string;
  /** The repository as configured (`workspace/repo`, `PROJECT/repo`). */
  repo: string;
  details: ReadonlyMap<number, PullDetails>;
}

/** The valid items of a detail list; each bad one is a problem naming the PR and its field. */
function each<S extends z.ZodType>(
  items: unknown,
  schema: S,
  file: string,
  path: string,
  problems: Problem[],
): z.infer<S>[] {
  const list = Array.isArray(items) ? items : [];
  const r = parseEachItem(list, schema, { file, path }, (x: z.infer<S>) => x);
  problems.push(...r.problems);
  return r.records;
}

const handle = (a: CloudAccount | null | undefined): string | null => a?.nickname ?? a?.account_id ?? null;

/**
 * Merged pull requests of a Bitbucket Cloud page (`values` of `/pullrequests?state=MERGED`), with their
 * commits, diffstat and activity. The merge time is the activity's MERGED update (Cloud's pull request
 * has no merge date of its own), else its last update.
 */
export function parseBitbucketCloudPulls(
  values: unknown[],
  ctx: BitbucketContext,
): ParseResult<OutcomeRecord> {
  const problems: Problem[] = [];
  const r = parseEachItem(values, cloudPullSchema, { file: ctx.file, path: 'values' }, (pr, i) => {
    if (pr.state !== 'MERGED') return null;
    const d = ctx.details.get(pr.id);
    const at = `values[${i}]`;
    const commits = each(d?.commits, cloudCommitSchema, ctx.file, `${at}.commits`, problems).map((c) => {
      const raw = rawAuthor(c.author?.raw ?? '');
      return {
        message: c.message,
        authorName: raw.name || undefined,
        authorEmail: raw.email,
        authorLogin: handle(c.author?.user) ?? undefined,
        at: c.date ? new Date(c.date) : null,
      };
    });
    const files: ChangedFile[] | null =
      d?.diff === null || d?.diff === undefined
        ? null
        : each(d.diff, cloudDiffstatSchema, ctx.file, `${at}.diffstat`, problems).map((f) => ({
            path: f.new?.path ?? f.old?.path ?? '',
            added: f.lines_added,
            removed: f.lines_removed,
          }));
    const reviews: ReviewEvent[] = [];
    let merged: Date | null = null;
    for (const a of each(d?.activity, cloudActivitySchema, ctx.file, `${at}.activity`, problems)) {
      if (a.approval)
        reviews.push({ at: new Date(a.approval.date), reviewer: handle(a.approval.user), approval: true });
      if (a.comment)
        reviews.push({
          at: new Date(a.comment.created_on),
          reviewer: handle(a.comment.user),
          approval: false,
        });
      if (a.update?.state === 'MERGED') {
        const when = new Date(a.update.date);
        if (merged === null || when < merged) merged = when;
      }
    }
    return pullRecord(
      {
        repo: ctx.repo,
        id: pr.id,
        title: pr.title,
        createdAt: new Date(pr.created_on),
        mergedAt: merged ?? new Date(pr.updated_on),
        author: handle(pr.author),
        headBranch: pr.source?.branch?.name ?? null,
        commits,
        files,
        reviews,
        jiraKeys: [],
      },
      ctx,
    );
  });
  return { records: r.records, problems: [...r.problems, ...problems] };
}

/** Lines of a Data Center diff per file: ADDED and REMOVED segments (context lines are not changes). */
function diffFiles(diff: z.infer<typeof serverDiffSchema>): ChangedFile[] {
  return diff.diffs.map((f) => {
    let added = 0;
    let removed = 0;
    for (const h of f.hunks ?? [])
      for (const s of h.segments) {
        if (s.type === 'ADDED') added += s.lines.length;
        else if (s.type === 'REMOVED') removed += s.lines.length;
      }
    return { path: f.destination?.toString ?? f.source?.toString ?? '', added, removed };
  });
}

const serverHandle = (u: { name?: string | undefined; slug?: string | undefined } | undefined) =>
  u?.name ?? u?.slug ?? null;

/**
 * Merged pull requests of a Bitbucket Data Center page (`values` of `/pull-requests?state=MERGED`), with
 * their commits, diff line counts, activities (approvals and comments) and linked Jira issues.
 */
export function parseBitbucketServerPulls(
  values: unknown[],
  ctx: BitbucketContext,
): ParseResult<OutcomeRecord> {
  const problems: Problem[] = [];
  const r = parseEachItem(values, serverPullSchema, { file: ctx.file, path: 'values' }, (pr, i) => {
    if (pr.state !== 'MERGED') return null;
    const d = ctx.details.get(pr.id);
    const at = `values[${i}]`;
    const commits = each(d?.commits, serverCommitSchema, ctx.file, `${at}.commits`, problems).map((c) => ({
      message: c.message,
      authorName: c.author?.name,
      authorEmail: c.author?.emailAddress,
      at: c.authorTimestamp === undefined ? null : new Date(c.authorTimestamp),
    }));
    let files: ChangedFile[] | null = null;
    if (d?.diff !== null && d?.diff !== undefined) {
      const diff = serverDiffSchema.safeParse(d.diff);
      if (diff.success) files = diffFiles(diff.data);
      else
        problems.push({
          file: ctx.file,
          line: null,
          field: `${at}.diff`,
          message: 'expected a diff ({diffs: [...]})',
        });
    }
    const reviews: ReviewEvent[] = each(
      d?.activity,
      serverActivitySchema,
      ctx.file,
      `${at}.activities`,
      problems,
    )
      .filter((a) => a.action === 'APPROVED' || a.action === 'COMMENTED' || a.action === 'REVIEWED')
      .map((a) => ({
        at: new Date(a.createdDate),
        reviewer: serverHandle(a.user),
        approval: a.action === 'APPROVED',
      }));
    return pullRecord(
      {
        repo: ctx.repo,
        id: pr.id,
        title: pr.title,
        createdAt: new Date(pr.createdDate),
        mergedAt: new Date(pr.closedDate ?? pr.updatedDate),
        author: serverHandle(pr.author?.user),
        headBranch: pr.fromRef?.displayId ?? null,
        commits,
        files,
        reviews,
        jiraKeys: each(d?.jira, serverJiraIssuesSchema.element, ctx.file, `${at}.issues`, problems).map(
          (k) => k.key,
        ),
      },
      ctx,
    );
  });
  return { records: r.records, problems: [...r.problems, ...problems] };
}
