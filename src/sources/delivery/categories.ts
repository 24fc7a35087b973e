import type { WorkCategory } from '../../domain/outcome.js';

/** Default mapping of PR/MR labels to new value vs KTLO (keep the lights on); other labels say nothing. */
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

/** Default mapping of ticket types (Jira issuetype.name); `Task` and unknown types stay `unknown`. */
export const CATEGORY_BY_ISSUE_TYPE = {
  story: 'new_value',
  feature: 'new_value',
  epic: 'new_value',
  improvement: 'new_value',
  bug: 'ktlo',
  incident: 'ktlo',
  chore: 'ktlo',
  maintenance: 'ktlo',
} as const satisfies Record<string, WorkCategory>;

/** `Bug`, ` bug `, `type: bug`, `kind/bug` → `bug`. */
function normalise(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/^(type|kind)\s*[:/]\s*/, '');
}

function lookup(table: Record<string, WorkCategory>, key: string): WorkCategory | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The category of a PR from its labels: the first label that has one decides, and is the work type. */
export function categoryOf(labels: readonly string[]): { category: WorkCategory; workType: string | null } {
  for (const label of labels) {
    const category = lookup(CATEGORY_BY_LABEL, normalise(label));
    if (category) return { category, workType: label };
  }
  return { category: 'unknown', workType: null };
}

/** The category of a ticket from its type name. */
export function categoryOfIssueType(typeName: string): WorkCategory {
  return lookup(CATEGORY_BY_ISSUE_TYPE, normalise(typeName)) ?? 'unknown';
}
