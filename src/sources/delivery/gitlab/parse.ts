import { recordId } from '../../../domain/ids.js';
import type { ChangeSize, OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import { sizePoints } from '../../../domain/points.js';
import { forgeRepositoryKey } from '../../../domain/repository.js';
import { detectAiMarkers } from '../ai-markers.js';
import { categoryOf } from '../categories.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { closingKeys, ticketKeys } from '../ticket-keys.js';
import { reviewTiming, type ReviewEvent } from '../review-timing.js';
import {
  mergeRequestSchema,
  mrApprovalsSchema,
  mrCommitSchema,
  mrDiffSchema,
  mrNoteSchema,
  type MergeRequest,
  type MrApprovals,
  type MrCommit,
  type MrDiff,
  type MrNote,
} from './schema.js';

export const SOURCE = 'gitlab';
export const DEFAULT_REWORK_LABELS: readonly string[] = ['rework', 'regression'];

export interface GitlabContext {
  file: string;
  /** The project path to use when an MR has no web_url. */
  repo?: string | undefined;
  /** The GitLab's web or API URL (gitlab.com unless said): the host of `repo`. */
  base?: string | undefined;
  /** Raw commit lists (GET …/merge_requests/:iid/commits) by iid; an MR without one has no commit evidence. */
  commits?: ReadonlyMap<number, unknown>;
  /** Raw diff lists (GET …/merge_requests/:iid/diffs) by iid; an MR without one has no size. */
  diffs?: ReadonlyMap<number, unknown>;
  /** Raw approvals (GET …/merge_requests/:iid/approvals) by iid: approval times. */
  approvals?: ReadonlyMap<number, unknown>;
  /** Raw notes (GET …/merge_requests/:iid/notes) by iid: first review, and approval times on older GitLab. */
  notes?: ReadonlyMap<number, unknown>;
  reworkLabels?: readonly string[] | undefined;
}

/** `https://gitlab.example.com/acme/billing/-/merge_requests/77` → `acme/billing`. */
export function projectPath(webUrl: string | undefined): string | null {
  if (!webUrl) return null;
  try {
    const path = new URL(webUrl).pathname.split('/-/')[0]?.replace(/^\/+/, '');
    return path ? decodeURIComponent(path) : null;
  } catch {
    return null;
  }
}

/**
 * The repository key (domain/repository.ts) of a merge request's project: host and path from its web URL,
 * else the project as configured on the GitLab at `ctx.base` (gitlab.com unless said).
 */
function projectKey(
  webUrl: string | undefined,
  ctx: { repo?: string | undefined; base?: string | undefined },
): string | null {
  const path = projectPath(webUrl);
  if (path !== null && webUrl) return forgeRepositoryKey(new URL(webUrl).origin, path);
  return ctx.repo ? forgeRepositoryKey(ctx.base ?? 'gitlab.com', ctx.repo) : null;
}

/** Added and deleted lines of one file's hunks (`+`/`-` lines; `\ No newline` and context ignored). */
export function countDiffLines(diff: string): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ') || line.startsWith('--- ')) continue;
    if (line.startsWith('+')) additions++;
    else if (line.startsWith('-')) deletions++;
  }
  return { additions, deletions };
}

/** Validates one of the per-MR lists item by item; bad items become problems, good ones are kept. */
function list<T>(
  raw: unknown,
  schema: typeof mrCommitSchema | typeof mrDiffSchema | typeof mrNoteSchema,
  at: { file: string; path: string },
  problems: Problem[],
): T[] | null {
  if (raw === undefined) return null;
  if (!Array.isArray(raw)) {
    problems.push({ file: at.file, line: null, field: at.path, message: 'expected an array' });
    return null;
  }
  const r = parseEachItem(raw, schema, at, (x) => x as T);
  problems.push(...r.problems);
  return r.records;
}

function sizeOf(diffs: MrDiff[]): ChangeSize {
  let additions = 0;
  let deletions = 0;
  let effectiveLines = 0;
  for (const d of diffs) {
    const n = countDiffLines(d.diff);
    additions += n.additions;
    deletions += n.deletions;
    if (d.generated_file !== true) effectiveLines += n.additions + n.deletions;
  }
  return { additions, deletions, files: diffs.length, effectiveLines };
}

function aiTools(mr: MergeRequest, commits: MrCommit[]): string[] {
  const tools = new Set<string>();
  for (const c of commits)
    detectAiMarkers({
      message: c.message,
      authorName: c.author_name ?? undefined,
      authorEmail: c.author_email ?? undefined,
    }).forEach((t) => tools.add(t));
  if (mr.author)
    detectAiMarkers({ message: '', authorLogin: mr.author.username }).forEach((t) => tools.add(t));
  return [...tools];
}

/**
 * Review events of an MR: approvals with their time, reviewers' notes, and the system notes GitLab writes
 * when someone approves or requests changes (which carry the time where the approvals API does not).
 */
function reviewEvents(approvals: MrApprovals | null, notes: MrNote[]): ReviewEvent[] {
  const events: ReviewEvent[] = [];
  for (const a of approvals?.approved_by ?? []) {
    if (a.approved_at)
      events.push({ at: new Date(a.approved_at), reviewer: a.user?.username ?? null, approval: true });
  }
  for (const n of notes) {
    const reviewer = n.author?.username ?? null;
    const approval = n.system && /^approved this merge request/i.test(n.body.trim());
    if (n.system && !approval && !/^requested changes/i.test(n.body.trim())) continue;
    events.push({ at: new Date(n.created_at), reviewer, approval });
  }
  return events;
}

function openedAt(mr: MergeRequest, commits: MrCommit[]): Date {
  let first = new Date(mr.created_at);
  for (const c of commits)
    if (c.authored_date && new Date(c.authored_date) < first) first = new Date(c.authored_date);
  return first;
}

/**
 * Merged MRs from a page of GET /projects/:id/merge_requests (reference §8.2), with each MR's commits
 * (AI markers on every commit, trailers included) and diffs (size) when given. Unmerged MRs are skipped.
 * Titles are read for ticket keys and reverts, diffs for line counts; neither is stored.
 */
export function parseGitlabMergeRequests(page: unknown, ctx: GitlabContext): ParseResult<OutcomeRecord> {
  if (!Array.isArray(page)) return notAPage(ctx.file, null, 'expected an array of merge requests');
  const reworkLabels = (ctx.reworkLabels ?? DEFAULT_REWORK_LABELS).map((l) => l.toLowerCase());
  const extra: Problem[] = [];
  const result = parseEachItem(
    page,
    mergeRequestSchema,
    { file: ctx.file, path: '' },
    (mr, i): OutcomeRecord | null => {
      if (!mr.merged_at) return null;
      const commits =
        list<MrCommit>(
          ctx.commits?.get(mr.iid),
          mrCommitSchema,
          { file: ctx.file, path: `[${i}].commits` },
          extra,
        ) ?? [];
      const diffs = list<MrDiff>(
        ctx.diffs?.get(mr.iid),
        mrDiffSchema,
        { file: ctx.file, path: `[${i}].diffs` },
        extra,
      );
      const size = diffs === null ? null : sizeOf(diffs);
      const notes =
        list<MrNote>(ctx.notes?.get(mr.iid), mrNoteSchema, { file: ctx.file, path: `[${i}].notes` }, extra) ??
        [];
      const rawApprovals = ctx.approvals?.get(mr.iid);
      const approvals = rawApprovals === undefined ? null : mrApprovalsSchema.safeParse(rawApprovals);
      if (approvals && !approvals.success)
        extra.push({
          file: ctx.file,
          line: null,
          field: `[${i}].approvals`,
          message: 'expected an approvals object',
        });
      const tools = aiTools(mr, commits);
      const reworkLabel = mr.labels.find((l) => reworkLabels.includes(l.trim().toLowerCase()));
      const revert = mr.title.startsWith('Revert "');
      const { category, workType } = categoryOf(mr.labels);
      return {
        id: recordId(SOURCE, mr.project_id, mr.iid),
        source: SOURCE,
        kind: 'pr_merged',
        unitKind: 'forge',
        at: new Date(mr.merged_at),
        openedAt: openedAt(mr, commits),
        actor: mr.author?.username ?? null,
        repo: projectKey(mr.web_url, ctx),
        ref: String(mr.iid),
        headBranch: mr.source_branch ?? null,
        linkedTickets: [
          ...new Set([
            ...ticketKeys(mr.title, mr.source_branch ?? ''),
            ...commits.flatMap((c) => closingKeys(c.message)),
          ]),
        ],
        size,
        points: size === null ? null : sizePoints(size.effectiveLines, size.files),
        pointsBasis: size === null ? null : 'size_model',
        aiAssisted: tools.length > 0,
        aiEvidence: tools.length ? `commit markers: ${tools.join(', ')}` : null,
        rework: revert || reworkLabel !== undefined,
        reworkReason: revert ? 'revert' : reworkLabel !== undefined ? `label:${reworkLabel}` : null,
        category,
        ...reviewTiming(reviewEvents(approvals?.data ?? null, notes), mr.author?.username ?? null),
        workType,
        workflow: null,
        count: 1,
        value: null,
      };
    },
  );
  return { records: result.records, problems: [...result.problems, ...extra] };
}
