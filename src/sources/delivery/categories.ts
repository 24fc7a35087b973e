import type { WorkCategory } from '../../domain/outcome.js';

/** Default mapping of labels and issue types to new value vs KTLO (keep the lights on). */
export const CATEGORY_BY_LABEL = {
  feature: 'new_value',
  enhancement: 'new_value',
  story: 'new_value',
  bug: 'ktlo',
  chore: 'ktlo',
  maintenance: 'ktlo',
  ops: 'ktlo',
  dependencies: 'ktlo',
  security: 'ktlo',
  hotfix: 'ktlo',
  ktlo: 'ktlo',
  regression: 'ktlo',
} as const satisfies Record<string, WorkCategory>;

export function categoryOf(labels: readonly string[]): { category: WorkCategory; workType: string | null } {
  for (const label of labels) {
    const c = (CATEGORY_BY_LABEL as Record<string, WorkCategory>)[label.toLowerCase()];
    if (c) return { category: c, workType: label };
  }
  return { category: 'unknown', workType: null };
}
