import { ALIAS_LISTS } from './alias-lists.js';
import { fieldName, type FieldPath } from './issue.js';
import { closest } from './messages.js';
import { findLiteralSecrets } from './secrets.js';

/**
 * Checks that need more than one value: ids unique per section, references to existing ids, an alias
 * belonging to one person only, a key's owner agreeing with the person who lists it, no literal secrets.
 *
 * It reads the raw parsed YAML, not zod's output, so it runs even when the schema found problems elsewhere
 * and the user sees every problem in one pass. Values of the wrong type are skipped here: the schema
 * already reports them.
 */
export interface CrossIssue {
  path: FieldPath;
  message: string;
}

/** The source text of a number scalar at a path (long numeric ids must not go through a float). */
export type NumberText = (path: FieldPath) => string | undefined;

type Entry = Record<string, unknown>;

export function crossCheck(raw: unknown, numberText: NumberText): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const add = (path: FieldPath, message: string) => issues.push({ path, message });
  const root = asEntry(raw);
  const text = (value: unknown, path: FieldPath): string | undefined =>
    typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? (numberText(path) ?? String(value))
        : undefined;

  const teams = uniqueIds(root, 'teams', 'team', add);
  const people = uniqueIds(root, 'people', 'person', add);
  const workflows = uniqueIds(root, 'workflows', 'workflow', add);
  // Key ids are matched like every identity value (trimmed, case-insensitive: see identityHash).
  const keys = uniqueIds(root, 'keys', 'key', add, (e, i) => text(e.id, ['keys', i, 'id']), normalise);

  const ref = (ids: IdSet | null, value: unknown, path: FieldPath) => {
    if (ids && typeof value === 'string' && !ids.has(value)) add(path, unknownRef(ids, value));
  };
  entries(root, 'people').forEach((p, i) => ref(teams, p.team, ['people', i, 'team']));
  entries(root, 'teams').forEach((t, i) => {
    ref(people, t.coach, ['teams', i, 'coach']);
    ref(people, t.manager, ['teams', i, 'manager']);
  });
  entries(root, 'workflows').forEach((w, i) => ref(teams, w.team, ['workflows', i, 'team']));
  entries(root, 'keys').forEach((k, i) => {
    ref(people, k.owner, ['keys', i, 'owner']);
    ref(teams, k.team, ['keys', i, 'team']);
    ref(workflows, k.workflow, ['keys', i, 'workflow']);
  });
  entries(root, 'seats').forEach((s, i) => {
    if (!Array.isArray(s.assignees)) return;
    const seen = new Set<unknown>();
    s.assignees.forEach((a: unknown, j) => {
      const path = ['seats', i, 'assignees', j];
      ref(people, a, path);
      // The seat's price is charged once per assignee: a repeated name would double its cost.
      if (seen.has(a)) add(path, `"${String(a)}" is listed twice: each assignee is charged one seat`);
      seen.add(a);
    });
  });
  const tools = new Map<string, number>();
  entries(root, 'accounts').forEach((a, i) => {
    if (typeof a.tool !== 'string') return;
    const first = tools.get(a.tool);
    if (first !== undefined)
      add(
        ['accounts', i, 'tool'],
        `"${a.tool}" already has an account (accounts[${first}]): one default per tool`,
      );
    else tools.set(a.tool, i);
  });

  checkAliases(root, text, add);
  checkKeyOwners(root, keys, text, add);
  for (const s of findLiteralSecrets(root.sources)) add(s.path, s.message);
  return issues;
}

/** One person per alias: identity resolves through the alias, so a shared one would credit a random owner. */
function checkAliases(
  root: Entry,
  text: (value: unknown, path: FieldPath) => string | undefined,
  add: (path: FieldPath, message: string) => void,
): void {
  const owners = new Map<string, { person: string; path: FieldPath }>();
  entries(root, 'people').forEach((p, i) => {
    const person = typeof p.id === 'string' ? p.id : `people[${i}]`;
    for (const field of Object.values(ALIAS_LISTS)) {
      const values = p[field];
      if (!Array.isArray(values)) continue;
      values.forEach((v: unknown, j) => {
        const path = ['people', i, field, j];
        const value = text(v, path);
        if (value === undefined || !value.trim()) return;
        const owner = owners.get(normalise(value));
        if (owner === undefined) owners.set(normalise(value), { person, path });
        else if (owner.person !== person)
          add(
            path,
            `alias "${value}" already belongs to ${owner.person} (${fieldName(owner.path)}): an alias may belong to one person only`,
          );
      });
    }
  });
}

/** A key listed under one person's key_ids but owned by another would be attributed two ways. */
function checkKeyOwners(
  root: Entry,
  keys: IdSet | null,
  text: (value: unknown, path: FieldPath) => string | undefined,
  add: (path: FieldPath, message: string) => void,
): void {
  if (!keys) return;
  const listedBy = new Map<string, string>();
  entries(root, 'people').forEach((p, i) => {
    if (typeof p.id !== 'string' || !Array.isArray(p.key_ids)) return;
    p.key_ids.forEach((v: unknown, j) => {
      const value = text(v, ['people', i, 'key_ids', j]);
      if (value !== undefined) listedBy.set(normalise(value), p.id as string);
    });
  });
  entries(root, 'keys').forEach((k, i) => {
    const id = text(k.id, ['keys', i, 'id']);
    const listed = id === undefined ? undefined : listedBy.get(normalise(id));
    if (listed !== undefined && typeof k.owner === 'string' && k.owner !== listed) {
      add(
        ['keys', i, 'owner'],
        `owner "${k.owner}" disagrees with people: key "${id}" is in ${listed}'s key_ids (make them the same person)`,
      );
    }
  });
}

interface IdSet {
  what: string;
  has(id: string): boolean;
  list: string[];
}

/**
 * The ids of a section, reporting duplicates. Null when the section is there but not a list: the schema
 * reports that, and every reference into it would be a false alarm.
 */
function uniqueIds(
  root: Entry,
  section: string,
  what: string,
  add: (path: FieldPath, message: string) => void,
  idOf: (e: Entry, i: number) => string | undefined = (e) => (typeof e.id === 'string' ? e.id : undefined),
  key: (id: string) => string = (id) => id,
): IdSet | null {
  const value = root[section];
  if (value !== undefined && value !== null && !Array.isArray(value)) return null;
  const first = new Map<string, number>();
  entries(root, section).forEach((e, i) => {
    const id = idOf(e, i);
    if (id === undefined) return;
    const seen = first.get(key(id));
    if (seen !== undefined)
      add([section, i, 'id'], `duplicate id "${id}" (already used by ${section}[${seen}])`);
    else first.set(key(id), i);
  });
  const ids = [...first.keys()];
  return { what, has: (id) => first.has(key(id)), list: ids };
}

/** `unknown team "pay" (teams: payments, platform)`, with a suggestion when one id is a near miss. */
function unknownRef(ids: IdSet, value: string): string {
  const plural = ids.what === 'person' ? 'people' : `${ids.what}s`;
  if (ids.list.length === 0) return `unknown ${ids.what} "${value}" (no ${plural} are defined)`;
  const near = closest(value, ids.list);
  const shown = ids.list.slice(0, 10).join(', ');
  const more = ids.list.length > 10 ? `, and ${ids.list.length - 10} more` : '';
  return `unknown ${ids.what} "${value}"${near ? ` — did you mean "${near}"?` : ''} (${plural}: ${shown}${more})`;
}

function entries(root: Entry, section: string): Entry[] {
  const value = root[section];
  return Array.isArray(value) ? value.map(asEntry) : [];
}

function asEntry(value: unknown): Entry {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Entry) : {};
}

/** The same normalisation identityHash applies before hashing (src/domain/ids.ts). */
function normalise(value: string): string {
  return value.trim().toLowerCase();
}
