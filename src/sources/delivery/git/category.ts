import type { WorkCategory } from '../../../domain/outcome.js';
import { categoryOf } from '../categories.js';

/**
 * Git has no labels, so the labels are read from conventions: the Conventional Commits type of the title
 * (`feat(api): …`, `fix!: …`) and the prefix of the head branch (`feature/…`, `bugfix/…`). Each maps to a
 * label of the shared table (categories.ts), which decides new value vs KTLO.
 */
export const LABEL_BY_CONVENTION = {
  feat: 'feature',
  feature: 'feature',
  fix: 'bug',
  bugfix: 'bug',
  bug: 'bug',
  hotfix: 'hotfix',
  chore: 'chore',
  deps: 'dependencies',
  build: 'maintenance',
  ci: 'maintenance',
  security: 'security',
  revert: 'regression',
} as const satisfies Record<string, string>;

function labelOf(word: string | undefined): string[] {
  const key = (word ?? '').toLowerCase();
  return Object.hasOwn(LABEL_BY_CONVENTION, key)
    ? [LABEL_BY_CONVENTION[key as keyof typeof LABEL_BY_CONVENTION]]
    : [];
}

/** The category of a merged unit from its title's type and its branch's prefix (the title wins). */
export function categoryOfWork(
  title: string,
  headBranch: string | null,
): { category: WorkCategory; workType: string | null } {
  const type = /^([a-z]+)(?:\([^)]*\))?!?:/i.exec(title)?.[1];
  const prefix = headBranch ? /^([a-z]+)[/_-]/i.exec(headBranch)?.[1] : undefined;
  return categoryOf([...labelOf(type), ...labelOf(prefix)]);
}
