import { blockSchema, blockWords, listSchema } from '../../sources/delivery/notion/schema.js';
import { expectPage } from '../cursor-pages.js';
import type { HttpClient } from '../http/client.js';

/** Most block-children requests per page: nested toggles and columns beyond this are not counted. */
export const MAX_BLOCK_REQUESTS = 25;

/**
 * The words of a page: the text of its blocks (`GET /v1/blocks/{id}/children`, 100 a request, nested blocks
 * followed depth first), counted and dropped. A block that is no block counts no words.
 */
export async function pageWords(
  http: HttpClient,
  api: string,
  pageId: string,
  signal?: AbortSignal,
): Promise<number> {
  let words = 0;
  let requests = 0;
  const pending: string[] = [pageId];
  while (pending.length > 0 && requests < MAX_BLOCK_REQUESTS) {
    const parent = pending.shift() as string;
    let cursor: string | null = null;
    do {
      const url = new URL(`${api}/blocks/${parent}/children`);
      url.searchParams.set('page_size', '100');
      if (cursor) url.searchParams.set('start_cursor', cursor);
      const { body } = await http.getJson(url, signal);
      requests++;
      const page = expectPage(listSchema, body, 'GET', url, 'a block list ({object: list, results})');
      for (const raw of page.results) {
        const block = blockSchema.safeParse(raw).data;
        if (!block) continue;
        words += blockWords(block);
        // A child page is a document of its own, counted when it is created.
        if (block.has_children && block.type !== 'child_page' && block.type !== 'child_database')
          pending.push(block.id);
      }
      cursor = page.has_more ? page.next_cursor : null;
    } while (cursor !== null && requests < MAX_BLOCK_REQUESTS);
  }
  return words;
}
