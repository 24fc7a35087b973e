/**
 * A problem in the org file, always with its place, so the user can jump straight to it: the file, the
 * 1-based line and column, and the field path in the file's own spelling (`people[3].team`). Empty `field`
 * means the problem is not inside one field (the file is missing, or a syntax error outside any value).
 */
export interface OrgFileIssue {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}

/** A path into the parsed document: map keys and list indexes, as zod and yaml both spell them. */
export type FieldPath = readonly (string | number)[];

/** `mileage.yaml:14:11 people[3].team: unknown team "pay" (teams: payments, platform)` */
export function formatIssue(issue: OrgFileIssue): string {
  const field = issue.field ? ` ${issue.field}` : '';
  return `${issue.file}:${issue.line}:${issue.column}${field}: ${issue.message}`;
}

/** `['people', 3, 'team']` → `people[3].team`: the names the user wrote, with list positions from 0. */
export function fieldName(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
