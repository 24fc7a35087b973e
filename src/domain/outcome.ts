import type { Usd } from './money.js';

export const PR_KIND = 'pr_merged';
export const TICKET_KIND = 'ticket_closed';
/**
 * A commit pushed straight to the default branch, outside any PR: delivered work, but not a merged PR, so
 * no metric that says "merged PRs" counts it. A repository declared trunk-based in the org file delivers in
 * commits, and its direct pushes are stored as PR_KIND (their unit kind still says `direct_push`).
 */
export const DIRECT_PUSH_KIND = 'direct_push';
/**
 * An epic done: a Jira Epic, a Linear project or a GitHub milestone closed. A container of delivered work,
 * not a unit of it: no throughput metric counts it; its children name it in `parentRef`, and its lead time
 * runs from the first child started (metrics/epic-lead-time.ts).
 */
export const EPIC_KIND = 'epic_done';
/**
 * A document published, or substantially updated, in a documentation tool (Confluence, Notion): the
 * delivered work of a documentation workload. Counts and sizes (words) only; never a title or any text.
 */
export const DOC_KIND = 'doc_published';

/**
 * The outcome a workflow delivers when mileage.yaml names no `outcome_kind` for it, by the workload type of
 * its keys: a documentation workload is measured on documents published, not on whatever it is tagged with.
 */
export const OUTCOME_KIND_BY_WORKLOAD_TYPE: Readonly<Record<string, string>> = {
  documentation: DOC_KIND,
};

/**
 * How a unit of delivered work reached the default branch: a PR/MR merged as the forge reports it
 * (`forge`), or as read from git — a merge commit, a squash commit, a rebased run of commits, or a commit
 * pushed directly.
 */
export const DELIVERY_UNIT_KINDS = ['forge', 'merge', 'squash', 'rebase', 'direct_push'] as const;
export type DeliveryUnitKind = (typeof DELIVERY_UNIT_KINDS)[number];

/** pr_merged, ticket_closed, or a workflow outcome such as ticket_resolved, alert_triaged, deal_closed. */
export type OutcomeKind = string;

export type PointsBasis = 'estimate' | 'size_model' | 'count';
export type WorkCategory = 'new_value' | 'ktlo' | 'unknown';

export interface ChangeSize {
  additions: number;
  deletions: number;
  files: number;
  /** Changed lines excluding lockfiles, vendored, generated and binary files. */
  effectiveLines: number;
}

/** A delivery fact: a merged PR, a closed ticket or a workflow outcome. */
export interface OutcomeRecord {
  id: string;
  source: string;
  kind: OutcomeKind;
  at: Date;
  /** When the work began (first commit, PR opened), from the best evidence; null when unknown, never guessed. */
  openedAt: Date | null;
  actor: string | null;
  repo: string | null;
  /** PR/MR number or ticket key. */
  ref: string | null;
  headBranch: string | null;
  linkedTickets: string[];
  size: ChangeSize | null;
  points: number | null;
  pointsBasis: PointsBasis | null;
  aiAssisted: boolean;
  aiEvidence: string | null;
  rework: boolean;
  reworkReason: string | null;
  category: WorkCategory;
  /** PRs/MRs: when someone other than the author first reviewed it (GitHub review, GitLab note or approval). */
  firstReviewAt?: Date | null;
  /** PRs/MRs: the first approval (GitHub APPROVED review, GitLab approval). */
  approvedAt?: Date | null;
  /** Type of ticket (bug, story…) or label set that decided the category. */
  workType: string | null;
  workflow: string | null;
  /**
   * Line-level churn (git, units in the rework window): lines the unit changed, each once, and how many of
   * the lines it rewrote or deleted were merged less than 21 days before (null: not measured).
   */
  changedLines?: number | null;
  youngLines?: number | null;
  /**
   * Tickets and PRs: the ref of the epic they belong to, in the same source (a Jira epic key, a Linear
   * project id, a GitHub milestone ref); null or absent when they belong to none.
   */
  parentRef?: string | null;
  /**
   * When work on it started, where the tracker records it (Linear `startedAt`, the first status change of a
   * Jira ticket's changelog); null or absent when unknown — then `openedAt` is the best start there is.
   */
  startedAt?: Date | null;
  /** Delivery records: how the unit reached the default branch (null or absent for other outcomes). */
  unitKind?: DeliveryUnitKind | null;
  count: number;
  value: Usd | null;
}
