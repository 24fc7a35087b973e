import { z } from 'zod';

/**
 * What Mileage reads of Confluence Data Center / Server's REST API (docs.atlassian.com/ConfluenceServer/rest,
 * `content` resource): ids, versions with their author and time, and the storage body to count its words.
 * The title is never read.
 */
const instant = z.iso.datetime({ offset: true });

/** A user as `version.by` and `history.createdBy` carry them: the user name is the login, the key the id. */
const user = z
  .object({ username: z.string().min(1).optional(), userKey: z.string().min(1).optional() })
  .nullish();

export const serverVersionSchema = z.object({
  number: z.number().int().positive(),
  /** When this version was published. */
  when: instant,
  by: user,
});

/** A page or blog post of `GET /rest/api/content/search?expand=version,history,body.storage`. */
export const serverContentSchema = z.object({
  id: z.string().min(1),
  type: z.enum(['page', 'blogpost']),
  status: z.string(),
  space: z.object({ key: z.string() }).optional(),
  history: z.object({ createdDate: instant }),
  version: serverVersionSchema,
  body: z
    .object({ storage: z.object({ value: z.string() }).partial().nullish() })
    .partial()
    .nullish(),
});

/** A search page: `results` validated one by one, `start`, `size` and the relative `_links.next`. */
export const serverPageSchema = z.object({
  results: z.array(z.unknown()),
  start: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  _links: z.object({ next: z.string().nullish() }).partial().nullish(),
});

/** `GET /rest/api/content/{id}?status=historical&version=n&expand=version,body.storage`: one version. */
export const serverHistoricalSchema = z.object({
  version: serverVersionSchema,
  body: z.object({ storage: z.object({ value: z.string() }) }),
});
