import { z } from 'zod';
import { wordsInText } from '../docs/words.js';

/**
 * What Mileage reads of the Notion API (developers.notion.com/reference): a page's id, times, creator,
 * parent and whether it is archived, and its blocks' text to count words. Properties (the title among
 * them) are never read.
 */
const instant = z.iso.datetime({ offset: true });
const user = z.object({ id: z.string().min(1) });

/** A page object of `POST /v1/search` or `POST /v1/databases/{id}/query`. */
export const pageSchema = z.object({
  object: z.literal('page'),
  id: z.string().min(1),
  /** When it was created: a page created in the window is a document published. */
  created_time: instant,
  last_edited_time: instant,
  /** Who created it: the outcome's actor, resolved through `tracker_ids` (a Notion user id). */
  created_by: user.nullish(),
  /** Who edited it last: the actor of an update. */
  last_edited_by: user.nullish(),
  /** A database, a page or the workspace: the container documents are counted in. */
  parent: z.object({
    type: z.string(),
    database_id: z.string().optional(),
    data_source_id: z.string().optional(),
    page_id: z.string().optional(),
  }),
  archived: z.boolean().optional(),
  in_trash: z.boolean().optional(),
});
export type NotionPage = z.infer<typeof pageSchema>;

/** A list answer (search, database query, block children): `results` validated one by one. */
export const listSchema = z.object({
  object: z.literal('list'),
  results: z.array(z.unknown()),
  next_cursor: z.string().nullable(),
  has_more: z.boolean(),
});

/** A block of `GET /v1/blocks/{id}/children`: its type names the field that holds its rich text. */
export const blockSchema = z
  .object({ id: z.string(), type: z.string(), has_children: z.boolean().optional() })
  .catchall(z.unknown());

/** Words of one block's text: the `rich_text` (or a code block's, a caption's) plain text, counted and dropped. */
export function blockWords(block: z.infer<typeof blockSchema>): number {
  const content = block[block.type];
  if (content === null || typeof content !== 'object') return 0;
  let n = 0;
  for (const key of ['rich_text', 'caption'] as const) {
    const parts = (content as Record<string, unknown>)[key];
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      const text = (part as { plain_text?: unknown } | null)?.plain_text;
      if (typeof text === 'string') n += wordsInText(text);
    }
  }
  return n;
}

/** Notion ids come with and without dashes: one form (32 lower-case hex digits) to compare them. */
export function notionId(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

/** An id in the dashed form of Notion's URLs in its API (8-4-4-4-12), whatever form it was written in. */
export function dashedId(id: string): string {
  const h = notionId(id);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The id of the page's container: its database (or data source), its parent page, or `workspace`. */
export function parentId(page: NotionPage): string {
  const p = page.parent;
  const id = p.database_id ?? p.data_source_id ?? p.page_id;
  return id ? notionId(id) : 'workspace';
}
