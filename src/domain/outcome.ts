import type { Usd } from './money.js';

export const PR_KIND = 'pr_merged';
export const TICKET_KIND = 'ticket_closed';

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
  count: number;
  value: Usd | null;
}
