import { describe, expect, it } from 'vitest';
import { reviewTiming, type ReviewEvent } from './review-timing.js';

const t = (hour: number) => new Date(Date.UTC(2026, 6, 1, hour));
const e = (hour: number, reviewer: string | null, approval = false): ReviewEvent => ({
  at: t(hour),
  reviewer,
  approval,
});

describe('review timing', () => {
  it('takes the first review and the first approval by someone other than the author or a bot', () => {
    const events = [
      e(9, 'Ana'), // the author's own comment
      e(10, 'copilot-pull-request-reviewer[bot]'),
      e(11, 'Copilot'),
      e(14, 'li', true),
      e(12, 'bo'),
      e(16, 'cy', true),
    ];
    expect(reviewTiming(events, 'ana')).toEqual({ firstReviewAt: t(12), approvedAt: t(14) });
  });

  it('has no times without reviews; a deleted account still counts', () => {
    expect(reviewTiming([], 'ana')).toEqual({ firstReviewAt: null, approvedAt: null });
    expect(reviewTiming([e(13, null, true)], null)).toEqual({ firstReviewAt: t(13), approvedAt: t(13) });
  });
});
