import { z } from 'zod';

/**
 * What Mileage reads of Confluence Cloud REST v2 (developer.atlassian.com/cloud/confluence/rest/v2):
 * identifiers, authors, times and the storage-format body to count its words. The title is never read.
 */
const instant = z.iso.datetime({ offset: true });

/** A version as pages, blog posts and their version lists carry it. */
export const versionSchema = z.object({
  number: z.number().int().positive(),
  /** When this version was published: the outcome's time. */
  createdAt: instant,
  /** The Atlassian account id of who published it: resolved through `tracker_ids`. */
  authorId: z.string().min(1).nullish(),
});

/** A page or blog post of `GET /spaces/{id}/pages|blogposts?body-format=storage`. */
export const documentSchema = z.object({
  id: z.string().min(1),
  /** Only `current` documents are delivered work (drafts, archived and trashed ones are not). */
  status: z.string(),
  createdAt: instant,
  version: versionSchema,
  body: z
    .object({ storage: z.object({ value: z.string() }).partial().nullish() })
    .partial()
    .nullish(),
});

/** A multi-entity page: `results` validated one by one, `_links.next` the relative URL of the next page. */
export const listSchema = z.object({
  results: z.array(z.unknown()),
  _links: z.object({ next: z.string().nullish() }).partial().nullish(),
});

/** `GET /spaces?keys=KEY`: the space's numeric id, which the v2 listings take. */
export const spacesSchema = z.object({
  results: z.array(z.object({ id: z.string(), key: z.string() })),
});

/** `GET /pages/{id}?version=n&body-format=storage`: one version's body. */
export const versionBodySchema = z.object({
  version: z.object({ number: z.number().int() }).optional(),
  body: z.object({ storage: z.object({ value: z.string() }) }),
});

/** The `cursor` of a `_links.next` URL (`/wiki/api/v2/spaces/1/pages?cursor=…&limit=…`), or null. */
export function nextCursor(next: string | null | undefined): string | null {
  if (!next) return null;
  return new URL(next, 'https://confluence.invalid').searchParams.get('cursor');
}
