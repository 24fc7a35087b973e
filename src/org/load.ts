import { readFile } from 'node:fs/promises';
import type { OrgDirectory } from '../domain/directory.js';
import { err, ok, type Result } from '../domain/result.js';
import { toDirectory } from './build.js';
export { findOrgFile } from './find.js';
import { crossCheck } from './cross-check.js';
import { fieldName, type FieldPath, type OrgFileIssue } from './issue.js';
import type { Locator } from './locate.js';
import { unknownFieldMessage, zodMessage } from './messages.js';
import { openOrgDocument } from './org-document.js';
import { KNOWN_FIELDS, orgFileSchema, type OrgFile } from './schema.js';

export { formatIssue, type OrgFileIssue } from './issue.js';

/** One configured source: its raw settings, for the connector to validate with its own schema. */
export interface SourceConfig {
  name: string;
  config: Record<string, unknown>;
  /** An issue about a field inside this source's settings, placed at its line and column in the file. */
  issueAt(path: FieldPath, message: string): OrgFileIssue;
}

interface Parsed {
  directory: OrgDirectory;
  sources: SourceConfig[];
}

/**
 * Parses and validates an org file. Every issue is collected, not just the first: YAML syntax first (a
 * broken document cannot be trusted further), then the schema and the cross-checks together.
 */
export function parseOrgFile(text: string, file: string): Result<OrgDirectory, OrgFileIssue[]> {
  const r = parse(text, file);
  return r.ok ? ok(r.value.directory) : r;
}

/**
 * The raw settings of each configured source, read from the same text as the directory. Connectors call this
 * to validate their own section; the file's other issues come back too so nothing runs on a broken file.
 */
export function sourceConfigs(text: string, file: string): Result<SourceConfig[], OrgFileIssue[]> {
  const r = parse(text, file);
  return r.ok ? ok(r.value.sources) : r;
}

export async function loadOrgFile(path: string): Promise<Result<OrgDirectory, OrgFileIssue[]>> {
  const text = await readText(path);
  return text.ok ? parseOrgFile(text.value, path) : text;
}

export async function loadSourceConfigs(path: string): Promise<Result<SourceConfig[], OrgFileIssue[]>> {
  const text = await readText(path);
  return text.ok ? sourceConfigs(text.value, path) : text;
}

function parse(text: string, file: string): Result<Parsed, OrgFileIssue[]> {
  const opened = openOrgDocument(text, file);
  if (!opened.ok) return opened;
  const { value: raw, at, issues, add } = opened.value;
  const parsed = orgFileSchema.safeParse(raw, { error: zodMessage });
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (i.code === 'unrecognized_keys') {
        const known = KNOWN_FIELDS[(path.length ? String(path[0]) : '') as keyof typeof KNOWN_FIELDS];
        for (const key of i.keys)
          add([...path, key], unknownFieldMessage(key, known), at.keyPlace(path, key));
      } else {
        add(path, i.message);
      }
    }
  }
  for (const c of crossCheck(raw, (path) => at.numberSource(path))) add(c.path, c.message);
  if (!parsed.success || issues.length) return err(sortByPlace(issues));
  return ok({ directory: toDirectory(parsed.data, at, file), sources: sources(parsed.data, at, file) });
}

function sources(f: OrgFile, at: Locator, file: string): SourceConfig[] {
  return Object.entries(f.sources).map(([name, config]) => ({
    name,
    config,
    issueAt: (path, message) => {
      const full = ['sources', name, ...path];
      return { file, ...at.place(full), field: fieldName(full), message };
    },
  }));
}

/** The file's issues in reading order, so the first one printed is the first one in the file. */
function sortByPlace(issues: OrgFileIssue[]): OrgFileIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

async function readText(path: string): Promise<Result<string, OrgFileIssue[]>> {
  try {
    return ok(await readFile(path, 'utf8'));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'file not found: create one with `mileage init`, or pass --config'
        : `cannot read the file (${code ?? String(cause)})`;
    return err([{ file: path, line: 1, column: 1, field: '', message }]);
  }
}
