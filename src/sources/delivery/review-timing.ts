import { detectAiMarkers } from './ai-markers.js';

/** A review event of a PR/MR: a GitHub review, a GitLab approval or a reviewer's note. */
export interface ReviewEvent {
  at: Date;
  /** Login of who reviewed; null for a deleted account. */
  reviewer: string | null;
  approval: boolean;
}

export interface ReviewTiming {
  firstReviewAt: Date | null;
  approvedAt: Date | null;
}

/** Bots and AI reviewers (`copilot-pull-request-reviewer[bot]`, `Copilot`, `cursor[bot]`) review in seconds. */
function isBot(login: string): boolean {
  return /\[bot\]$/i.test(login) || detectAiMarkers({ message: '', authorLogin: login }).length > 0;
}

/**
 * When a person other than the author first reviewed the work, and first approved it. The author's own
 * comments and automated reviewers are not review: counting them would make every wait look instant.
 */
export function reviewTiming(events: readonly ReviewEvent[], author: string | null): ReviewTiming {
  const who = author?.toLowerCase() ?? null;
  let firstReviewAt: Date | null = null;
  let approvedAt: Date | null = null;
  for (const e of events) {
    if (Number.isNaN(e.at.getTime())) continue;
    if (e.reviewer !== null && (e.reviewer.toLowerCase() === who || isBot(e.reviewer))) continue;
    if (firstReviewAt === null || e.at < firstReviewAt) firstReviewAt = e.at;
    if (e.approval && (approvedAt === null || e.at < approvedAt)) approvedAt = e.at;
  }
  return { firstReviewAt, approvedAt };
}
