import { z } from 'zod';

/**
 * When an edit of a document is delivered work: a new document always is; an update is when it changed the
 * document's size by at least `minWords` words, or by at least `minPercent` per cent of its size before —
 * and never below FLOOR_WORDS, so a typo fixed in a three-word page is no delivery. Size is words added
 * minus words removed: an edit that rewrites text in place without changing its length is not seen.
 */
export interface SubstantialRule {
  minWords: number;
  minPercent: number;
}

export const DEFAULT_SUBSTANTIAL: SubstantialRule = { minWords: 100, minPercent: 20 };

/** Fewer words changed than this never make an update substantial, whatever the percentage. */
export const FLOOR_WORDS = 10;

export function isSubstantial(before: number, after: number, rule: SubstantialRule): boolean {
  const change = Math.abs(after - before);
  if (change < FLOOR_WORDS) return false;
  return change >= rule.minWords || change * 100 >= rule.minPercent * before;
}

/** The settings of the rule (docs/connectors.md, "Documents"). */
export const substantialFields = {
  /** Words an update must add or remove to count (default 100). */
  min_change_words: z
    .number({ error: 'expected a whole number of words, such as 100' })
    .int('expected a whole number of words, such as 100')
    .min(1, 'expected a whole number of words, such as 100')
    .optional(),
  /** Or this share of the document's size before, in per cent (default 20). */
  min_change_percent: z
    .number({ error: 'expected a percentage from 1 to 1000, such as 20' })
    .min(1, 'expected a percentage from 1 to 1000, such as 20')
    .max(1000, 'expected a percentage from 1 to 1000, such as 20')
    .optional(),
};

export function substantialRule(s: {
  min_change_words?: number | undefined;
  min_change_percent?: number | undefined;
}): SubstantialRule {
  return {
    minWords: s.min_change_words ?? DEFAULT_SUBSTANTIAL.minWords,
    minPercent: s.min_change_percent ?? DEFAULT_SUBSTANTIAL.minPercent,
  };
}

/** The setting both documentation connectors take: which workflow a container's documents are the output of. */
export const docWorkflowsField = {
  /**
   * A space (Confluence key) or a database / parent page (Notion id) → the workflow whose output its
   * documents are (mileage.yaml `workflows:`, whose `team` owns them and whose spend they are measured
   * against). Documents of a container not listed count for their author's team.
   */
  workflows: z
    .record(
      z.string().min(1),
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a workflow id from mileage.yaml'),
      { error: 'expected a mapping of space (or database) to workflow id, such as { DOCS: docs-writing }' },
    )
    .optional(),
};
