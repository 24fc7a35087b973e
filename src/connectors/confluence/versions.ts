import type { z } from 'zod';
import type { Problem } from '../../domain/parse-result.js';
import { wordsInMarkup } from '../../sources/delivery/docs/words.js';
import {
  listSchema,
  nextCursor,
  versionBodySchema,
  versionSchema,
} from '../../sources/delivery/confluence/schema.js';
import { parseEachItem } from '../../sources/each-item.js';
import { expectPage } from '../cursor-pages.js';
import type { HttpClient } from '../http/client.js';

type Version = z.infer<typeof versionSchema>;

/** Most pages of a document's version list read per sync (newest first; a page holds up to 50). */
const MAX_VERSION_PAGES = 5;

/**
 * One document's versions published at or after `since` (all when null), newest first, from
 * `GET /{pages|blogposts}/{id}/versions`: the list stops at the first version older than the window.
 * A version that is no version is a problem, skipped.
 */
export async function versionsSince(
  http: HttpClient,
  docUrl: string,
  since: Date | null,
  signal?: AbortSignal,
): Promise<{ versions: Version[]; problems: Problem[] }> {
  const versions: Version[] = [];
  const problems: Problem[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < MAX_VERSION_PAGES; n++) {
    const url = new URL(`${docUrl}/versions`);
    url.searchParams.set('sort', '-modified-date');
    url.searchParams.set('limit', '50');
    if (cursor) url.searchParams.set('cursor', cursor);
    const { body } = await http.getJson(url, signal);
    const page = expectPage(listSchema, body, 'GET', url, 'a version list ({results, _links})');
    const parsed = parseEachItem(
      page.results,
      versionSchema,
      { file: `${url.host}${url.pathname}`, path: 'results' },
      (v) => v,
    );
    problems.push(...parsed.problems);
    const inWindow = parsed.records.filter((v) => since === null || new Date(v.createdAt) >= since);
    versions.push(...inWindow);
    cursor = nextCursor(page._links?.next);
    if (cursor === null || inWindow.length < parsed.records.length) break;
  }
  return { versions, problems };
}

/** Words of each version of one document, read once each (`GET /{type}/{id}?version=n&body-format=storage`). */
export function versionWords(http: HttpClient, docUrl: string, signal?: AbortSignal) {
  const known = new Map<number, number>();
  return {
    know(version: number, words: number) {
      known.set(version, words);
    },
    async of(version: number): Promise<number> {
      const had = known.get(version);
      if (had !== undefined) return had;
      const url = new URL(docUrl);
      url.searchParams.set('version', String(version));
      url.searchParams.set('body-format', 'storage');
      const { body } = await http.getJson(url, signal);
      const doc = expectPage(versionBodySchema, body, 'GET', url, 'a document version with its body');
      const words = wordsInMarkup(doc.body.storage.value);
      known.set(version, words);
      return words;
    },
  };
}
