import { LineCounter, parseDocument } from 'yaml';
import { InputError } from '../domain/errors.js';
import { err, ok, type Result } from '../domain/result.js';
import { fieldName, type FieldPath, type OrgFileIssue } from './issue.js';
import { Locator } from './locate.js';

/**
 * The org file opened for one section's reader (the directory, budgets and alerts, experiments, quality bars,
 * capture opt-ins): its plain value, a locator for places, and an issue list whose entries carry the file,
 * line, column and field. Every reader opens the file through here so that a YAML syntax error reads the same
 * whichever section found it, and so that no reader can be crashed by a document whose aliases expand
 * exponentially ("billion laughs").
 */
export interface OrgDocument {
  /** The document as written (a list or a scalar at the top is the schema's to refuse). */
  value: unknown;
  /** The top-level mapping, or an empty one when the document is not a mapping. */
  root: Record<string, unknown>;
  at: Locator;
  issues: OrgFileIssue[];
  /** Records an issue at a field (placed at the field's value unless a place is given). */
  add: (path: FieldPath, message: string, place?: { line: number; column: number }) => void;
}

/** Opens the text; a YAML syntax error (every one, each with its place) or an unreadable document is an error. */
export function openOrgDocument(text: string, file: string): Result<OrgDocument, OrgFileIssue[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = new Locator(doc, lines);
  const issues: OrgFileIssue[] = [];
  const add = (path: FieldPath, message: string, place = at.place(path)) =>
    issues.push({ file, ...place, field: fieldName(path), message });

  for (const e of doc.errors) add(at.pathAt(e.pos[0]), yamlMessage(e.code, e.message), at.at(e.pos[0]));
  if (issues.length) return err(issues);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (cause) {
    // yaml refuses documents whose aliases expand exponentially; report, never crash.
    const message = cause instanceof Error ? cause.message : String(cause);
    return err([{ file, line: 1, column: 1, field: '', message: `YAML: ${message}` }]);
  }
  const root = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  return ok({ value, root: root as Record<string, unknown>, at, issues, add });
}

/** yaml's messages repeat the position we already give, and some need a hint to be actionable. */
const YAML_HINTS: Record<string, string> = {
  BAD_INDENT: 'check the indentation: items of one list or mapping start in the same column',
  MISSING_CHAR: 'check the indentation, and that every list item starts with "- "',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  DUPLICATE_KEY: 'each key may appear once per mapping',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line: is a ":" or a quote missing above?',
  BLOCK_AS_IMPLICIT_KEY: 'is a ":" or a quote missing above?',
  UNEXPECTED_TOKEN: 'is a quote, bracket or ":" missing?',
};

function yamlMessage(code: string, message: string): string {
  const first = (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const hint = YAML_HINTS[code];
  return `YAML syntax: ${first}${hint ? ` (${hint})` : ''}`;
}

/** The first issue as a thrown error, for readers that stop at the first problem. */
export function inputErrorOf(issues: readonly OrgFileIssue[]): InputError {
  const first = issues[0];
  return new InputError(
    first?.file ?? '',
    first?.line ?? null,
    first?.field || null,
    first?.message ?? 'unreadable',
  );
}
