import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MileageError } from '../../domain/errors.js';
import type { Usd } from '../../domain/money.js';
import type { Problem } from '../../domain/parse-result.js';
import type { SeatRecord } from '../../domain/seat.js';
import {
  activityOf,
  countEntries,
  parseLicensedUsers,
  parseMonitoringSeries,
  type EntryCounts,
  type SeriesInput,
} from '../../sources/spend/gemini-code-assist/parse.js';
import type { SyncFrom, SyncPage } from '../sync/connector.js';

export interface ExportContext {
  /** The source's name in mileage.yaml, for errors about its paths. */
  source: string;
  stream: string;
  teamOf: (project: string) => string | null;
  edition: string;
  price: Usd | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What one saved document is, told by its shape: the three answers Mileage reads, one by one or as lists. */
type Kind = 'series' | 'series-pages' | 'entries' | 'entry-pages' | 'licence-pages';

function kindOf(doc: unknown): Kind | null {
  const items = Array.isArray(doc) ? doc : [doc];
  const first = items.find(isObject);
  if (first === undefined) return null;
  if ('timeSeries' in first) return 'series-pages';
  if ('metric' in first && 'points' in first) return 'series';
  if ('licensedUsers' in first) return 'licence-pages';
  if ('entries' in first) return 'entry-pages';
  if ('timestamp' in first && ('insertId' in first || 'logName' in first || 'labels' in first))
    return 'entries';
  return null;
}

/** The `*.json` files of the configured paths, folders read one level deep, in name order. */
async function exportFiles(paths: readonly string[], source: string): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((cause: unknown) => {
      throw new MileageError(
        'not_found',
        `sources.${source}.export: ${path}: no such file or folder`,
        'Point export: at the saved JSON files or the folder holding them.',
        { cause },
      );
    });
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((n) => n.endsWith('.json')).sort();
    files.push(...names.map((n) => join(path, n)));
  }
  return files;
}

/**
 * Saved exports as one page: Monitoring's `projects.timeSeries.list` answers (one, a list of them, or the bare
 * list of series a client prints), Logging's entries (`gcloud logging read --format=json`, or entries.list
 * answers) and the licence pool's `enumerateLicensedUsers` answers, each file told by its shape and mapped by the
 * API path's own parsers (sources/spend/gemini-code-assist/parse.ts). Series and entries are gathered across
 * files before they are counted, so a day split over two files adds up and one present in both counts once. A
 * file that is not JSON, or none of these, is a problem naming it; the other files are kept.
 */
export function exportPages(paths: readonly string[], ctx: ExportContext) {
  return async function* (_from: SyncFrom, signal?: AbortSignal): AsyncIterable<SyncPage> {
    const problems: Problem[] = [];
    const series: SeriesInput[] = [];
    const counts: EntryCounts = new Map();
    const seenEntries = new Set<string>();
    const seats: SeatRecord[] = [];
    for (const file of await exportFiles(paths, ctx.source)) {
      signal?.throwIfAborted();
      let doc: unknown;
      try {
        doc = JSON.parse(await readFile(file, 'utf8'));
      } catch (cause) {
        problems.push({ file, line: null, field: null, message: `not JSON: ${(cause as Error).message}` });
        continue;
      }
      const kind = kindOf(doc);
      const items = Array.isArray(doc) ? doc : [doc];
      // A list of answers names each answer's place (`[2].timeSeries`); a single answer needs no index.
      const place = (i: number, field: string) => (Array.isArray(doc) ? `[${i}].${field}` : field);
      const pages = (field: string) =>
        items.flatMap((page, i) => {
          const list = isObject(page) ? page[field] : undefined;
          if (list === undefined) return [];
          if (Array.isArray(list)) return [{ path: place(i, field), list }];
          problems.push({ file, line: null, field: place(i, field), message: 'expected a list' });
          return [];
        });
      switch (kind) {
        case 'series':
          series.push({ file, path: '', series: items });
          break;
        case 'series-pages':
          for (const p of pages('timeSeries')) series.push({ file, path: p.path, series: p.list });
          break;
        case 'entries':
          problems.push(...countEntries(items, { file, path: '' }, counts, seenEntries));
          break;
        case 'entry-pages':
          for (const p of pages('entries'))
            problems.push(...countEntries(p.list, { file, path: p.path }, counts, seenEntries));
          break;
        case 'licence-pages':
          items.forEach((page, i) => {
            const parsed = parseLicensedUsers(page, {
              file: Array.isArray(doc) ? `${file} [${i}]` : file,
              edition: ctx.edition,
              price: ctx.price,
            });
            seats.push(...parsed.records);
            // A file that is no licence answer is this file's problem, not the end of the sync.
            problems.push(
              ...parsed.problems.map((p) => ({
                file: p.file,
                line: p.line,
                field: p.field,
                message: p.message,
              })),
            );
          });
          break;
        case null:
          problems.push({
            file,
            line: null,
            field: null,
            message:
              'not a Gemini Code Assist export: expected timeSeries.list answers, log entries or licensedUsers',
          });
          break;
        default:
          kind satisfies never;
      }
    }
    const monitoring = parseMonitoringSeries(series, {
      project: null,
      teamOf: ctx.teamOf,
      stream: ctx.stream,
    });
    yield {
      usage: monitoring.usage,
      activeUsers: monitoring.activeUsers,
      seats,
      activity: activityOf(counts),
      problems: [...problems, ...monitoring.problems],
      high: null,
      next: null,
    };
  };
}
