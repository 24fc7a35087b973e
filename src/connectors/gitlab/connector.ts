import { z } from 'zod';
import { parseGitlabMergeRequests } from '../../sources/delivery/gitlab/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { nextPageNumber } from '../http/pagination.js';
import { cursorPages, expectPage, field, pageHigh, type LoopPage } from '../cursor-pages.js';
import type { SyncFrom } from '../sync/connector.js';

export const gitlabSettingsSchema = z.strictObject({
  ...baseFields,
  /** Projects as group/project paths or numeric ids. */
  projects: z
    .array(z.union([z.string().min(1), z.number().int().positive()]), {
      error: 'expected a list of projects, such as [acme/billing] or [12]',
    })
    .min(1, 'expected at least one project'),
  rework_labels: z.array(z.string()).optional(),
  /** Most commits and diff pages read per MR (100 items a page). */
  max_detail_pages: z.number().int().min(1).max(50).optional(),
});

export const GITLAB_URL = 'https://gitlab.com';

const positionSchema = z.object({
  project: z.number().int().nonnegative(),
  page: z.number().int().positive(),
});
type Position = z.infer<typeof positionSchema>;

const START: Position = { project: 0, page: 1 };

/** A JSON array of items (MRs, commits, diffs, notes). */
const listSchema = z.array(z.unknown());

export const createGitlabConnector = defineConnector({
  type: 'gitlab',
  schema: gitlabSettingsSchema,
  overlapMinutes: 10,
  auth: (token, s) => ({ header: 'private-token', value: token, hint: `the token in $${s.token_env}` }),
  pages: ({ settings: s, http }) => {
    const api = `${apiRoot(s.base_url ?? GITLAB_URL)}/api/v4`;
    const perPage = s.page_size ?? 50;
    const detailPages = s.max_detail_pages ?? 5;

    /** Every item of a paginated list (commits, diffs), up to detailPages pages. */
    async function all(path: string, signal?: AbortSignal): Promise<unknown[]> {
      const items: unknown[] = [];
      let page: number | null = 1;
      for (let n = 0; page !== null && n < detailPages; n++) {
        const url = new URL(`${api}${path}`);
        url.searchParams.set('per_page', '100');
        url.searchParams.set('page', String(page));
        const res = await http.getJson(url, signal);
        items.push(...expectPage(listSchema, res.body, 'GET', url, 'a JSON array'));
        page = nextPageNumber(res.headers);
      }
      return items;
    }

    return cursorPages({
      position: positionSchema,
      start: () => START,
      read: async (pos: Position, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<Position>> => {
        // A stored position past the list (the org file lost an entry since): the run is over.
        if (pos.project >= s.projects.length) return { problems: [], next: null, high: null };
        const project = String(s.projects[pos.project]);
        const base = `/projects/${encodeURIComponent(project)}/merge_requests`;
        const url = new URL(`${api}${base}`);
        const q = url.searchParams;
        q.set('state', 'merged');
        q.set('scope', 'all');
        // Oldest update first: an MR updated during the sync moves behind the position and is re-read.
        q.set('order_by', 'updated_at');
        q.set('sort', 'asc');
        q.set('per_page', String(perPage));
        q.set('page', String(pos.page));
        if (from.since) q.set('updated_after', from.since.toISOString());
        const res = await http.getJson(url, signal);
        const mrs = expectPage(listSchema, res.body, 'GET', url, 'a JSON array');
        const commits = new Map<number, unknown>();
        const diffs = new Map<number, unknown>();
        const approvals = new Map<number, unknown>();
        const notes = new Map<number, unknown>();
        for (const mr of mrs) {
          const m = z.object({ iid: z.number(), merged_at: z.string().nullish() }).safeParse(mr).data;
          if (!m?.merged_at) continue;
          commits.set(m.iid, await all(`${base}/${m.iid}/commits`, signal));
          diffs.set(m.iid, await all(`${base}/${m.iid}/diffs`, signal));
          // Review timing: approvals (with approved_at on GitLab 18.4+) and notes, oldest first.
          approvals.set(
            m.iid,
            (await http.getJson(new URL(`${api}${base}/${m.iid}/approvals`), signal)).body,
          );
          notes.set(m.iid, await all(`${base}/${m.iid}/notes?sort=asc&order_by=created_at`, signal));
        }
        const parsed = parseGitlabMergeRequests(mrs, {
          file: `${url.host}${url.pathname}`,
          repo: project,
          base: s.base_url ?? GITLAB_URL,
          commits,
          diffs,
          approvals,
          notes,
          reworkLabels: s.rework_labels,
        });
        const high = pageHigh(mrs, field('updated_at'));
        const nextPage = nextPageNumber(res.headers);
        const next: Position | null =
          nextPage !== null && mrs.length > 0
            ? { project: pos.project, page: nextPage }
            : pos.project + 1 < s.projects.length
              ? { project: pos.project + 1, page: 1 }
              : null;
        return { outcomes: parsed.records, problems: parsed.problems, next, high };
      },
    });
  },
});
