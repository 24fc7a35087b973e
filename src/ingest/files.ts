import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MileageError } from '../domain/errors.js';
import type { OutcomeRecord } from '../domain/outcome.js';
import type { ParseResult } from '../domain/parse-result.js';
import type { UsageRecord } from '../domain/usage.js';
import type { Db } from '../store/db.js';
import { screenAny, storeRejections } from './screen.js';
import { walkFiles } from './walk.js';
import { emptySummary, type IngestSummary } from './summary.js';
import { MAX_DOCUMENT_DEPTH, parseJsonText } from '../domain/json-depth.js';

/** Records are appended in batches so memory stays flat on large inputs. */
const BATCH = 50_000;

export type OnFile = (file: string) => void;

/** Every file under `dir` (recursively) whose name passes `accept`, sorted for a deterministic order. */
export async function listFiles(dir: string, accept: (name: string) => boolean): Promise<string[]> {
  const info = await stat(dir).catch((cause: unknown) => {
    throw new MileageError(
      'not_found',
      `${dir}: no such file or directory`,
      'Check the path, or pass another one.',
      { cause },
    );
  });
  if (info.isFile()) return [dir];
  // Links to files and folders are followed, with loop protection (walk.ts).
  return walkFiles(dir, (path) => accept(basename(path))).files;
}

/**
 * Reads a whole file. Synchronous on purpose: ingestion reads thousands of small transcripts in a row, and
 * awaiting each read costs several times the read itself (measured: 1.1 s against 0.17 s for 3,900 files).
 */
export function readText(file: string): Promise<string> {
  try {
    return Promise.resolve(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new MileageError(
      'input',
      `${file}: cannot read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      undefined,
      { cause },
    );
  }
}

/** JSON documents (API pages): an unreadable or invalid file is a problem of that file, not of the run. */
export async function readJson(
  file: string,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  try {
    // A page nests a few levels; far deeper is refused before recursive readers see it.
    return parseJsonText(await readFile(file, 'utf8'), MAX_DOCUMENT_DEPTH);
  } catch (cause) {
    return { ok: false, message: cause instanceof Error ? cause.message : String(cause) };
  }
}

type Kind = 'usage' | 'outcomes';

/**
 * Parse files one by one with a pure parser and append their records in batches. A bad file or line is
 * counted and reported; the good records around it are kept.
 */
export async function ingestFiles<T extends UsageRecord | OutcomeRecord>(
  db: Db,
  source: string,
  kind: Kind,
  files: string[],
  parse: (file: string) => Promise<ParseResult<T>>,
  onFile?: OnFile,
): Promise<IngestSummary> {
  const summary = emptySummary(source);
  let pending: T[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const result =
      kind === 'usage'
        ? await db.appendUsage(pending as UsageRecord[])
        : await db.appendOutcomes(pending as OutcomeRecord[]);
    summary.written += result.written;
    summary.alreadyStored += result.alreadyStored;
    summary.problems.push(...storeRejections(result, source));
    pending = [];
  };
  for (const file of files) {
    const parsed = await parse(file);
    summary.files += 1;
    summary.records += parsed.records.length;
    const screened = screenAny(kind, parsed.records, file);
    summary.problems.push(...parsed.problems, ...screened.problems);
    for (const r of screened.kept) pending.push(r);
    if (pending.length >= BATCH) await flush();
    onFile?.(file);
  }
  await flush();
  return summary;
}

/** A parser of one JSON document, lifted to a file parser that reports an unparseable file as a problem. */
export function jsonFileParser<T>(parse: (doc: unknown, file: string) => ParseResult<T>) {
  return async (file: string): Promise<ParseResult<T>> => {
    const doc = await readJson(file);
    if (!doc.ok)
      return {
        records: [],
        problems: [{ file, line: null, field: null, message: `invalid JSON: ${doc.message}` }],
      };
    return parse(doc.value, file);
  };
}
