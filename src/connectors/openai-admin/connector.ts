import { z } from 'zod';
import {
  COMPLETIONS_SOURCE,
  parseOpenAiCompletions,
  parseOpenAiCosts,
} from '../../sources/spend/openai-admin/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { floorUtc, phasedPages, type Phase, type PhaseFrom } from '../phases.js';
import { newestStart, reportPages } from '../report-pages.js';

export const OPENAI_API = 'https://api.openai.com/v1';

export const openaiSettingsSchema = z.strictObject({
  ...baseFields,
  /** The account in stream names (`openai:<account>:<project>`); default: the org in mileage.yaml. */
  account: z.string().min(1).optional(),
  /** Usage buckets: 1h or 1d. Costs are daily whatever this says. */
  bucket_width: z.enum(['1h', '1d'], { error: 'expected 1h or 1d' }).default('1d'),
});

/** Completions usage grouped by project, user, key and model (reference §5.1); costs by project and line (§5.2). */
const USAGE_GROUPS = ['project_id', 'user_id', 'api_key_id', 'model'];
const COST_GROUPS = ['project_id', 'line_item'];
const MAX_BUCKETS = { '1h': 168, '1d': 31 } as const;

const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

/**
 * OpenAI Administration API (`type: openai-admin`): completions usage (tokens by project, user, key and
 * model; list estimates priced later, input normalised to uncached) and costs (dollars, basis billed). Both
 * land in the stream `openai:<account>:<project>`: the bill is the day's total, usage attributes it.
 */
export const createOpenaiAdminConnector = defineConnector({
  type: 'openai-admin',
  schema: openaiSettingsSchema,
  // Costs settle for a few days: every run re-reads the last three (ids per bucket and group make it safe).
  overlapMinutes: 3 * 24 * 60,
  auth: (key, s) => ({
    header: 'authorization',
    value: `Bearer ${key}`,
    hint: `the admin key in $${s.token_env}`,
  }),
  pages: ({ settings: s, http, deps, source }) => {
    const root = apiRoot(s.base_url ?? OPENAI_API);
    const org = s.account ?? deps.org ?? source.name;
    const usageSource = s.bucket_width === '1h' ? `${COMPLETIONS_SOURCE}-1h` : COMPLETIONS_SOURCE;
    const url =
      (path: string, from: PhaseFrom, width: '1h' | '1d', groups: string[], max: number) =>
      (page: string | null) => {
        const u = new URL(`${root}${path}`);
        const q = u.searchParams;
        q.set('start_time', seconds(floorUtc(from.since ?? new Date(0), width === '1h' ? 'hour' : 'day')));
        q.set('end_time', seconds(from.until));
        q.set('bucket_width', width);
        q.set('limit', String(Math.min(s.page_size ?? max, max)));
        for (const g of groups) q.append('group_by[]', g);
        if (page !== null) q.set('page', page);
        return u;
      };
    const phases: Phase[] = [
      {
        name: 'usage',
        pages: (from, signal) =>
          reportPages({
            http,
            signal,
            start: from.position,
            url: url(
              '/organization/usage/completions',
              from,
              s.bucket_width,
              USAGE_GROUPS,
              MAX_BUCKETS[s.bucket_width],
            ),
            parse: (body, file) => {
              const r = parseOpenAiCompletions(body, { file, org, usageSource });
              return { usage: r.records, problems: r.problems, high: newestStart(r.records) };
            },
          }),
      },
      {
        name: 'costs',
        pages: (from, signal) =>
          reportPages({
            http,
            signal,
            start: from.position,
            url: url('/organization/costs', from, '1d', COST_GROUPS, 31),
            parse: (body, file) => {
              const r = parseOpenAiCosts(body, { file, org });
              return { usage: r.records, problems: r.problems, high: newestStart(r.records) };
            },
          }),
      },
    ];
    return phasedPages(phases, deps.now);
  },
});
