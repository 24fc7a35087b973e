import { z } from 'zod';
import { parseClaudeCodeAnalytics } from '../../sources/spend/anthropic-admin/claude-code.js';
import {
  USAGE_SOURCE,
  parseAnthropicCostReport,
  parseAnthropicUsageReport,
} from '../../sources/spend/anthropic-admin/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { decodeJson, floorUtc, phasedPages, utcDays, type Phase, type PhaseFrom } from '../phases.js';
import { newestStart, reportPages } from '../report-pages.js';
import type { SyncPage } from '../sync/connector.js';

export const ANTHROPIC_API = 'https://api.anthropic.com';
export const ANTHROPIC_REPORTS = ['usage', 'cost', 'claude_code'] as const;

export const anthropicSettingsSchema = z.strictObject({
  ...baseFields,
  /** The account in stream names (`anthropic:<account>:<workspace>`); default: the org in mileage.yaml. */
  account: z.string().min(1).optional(),
  /** Usage buckets: 1h (hourly detail) or 1d. Costs are daily whatever this says. */
  bucket_width: z.enum(['1h', '1d'], { error: 'expected 1h or 1d' }).default('1d'),
  /** Which reports to read (default all three). */
  reports: z
    .array(z.enum(ANTHROPIC_REPORTS, { error: `expected one of ${ANTHROPIC_REPORTS.join(', ')}` }))
    .min(1)
    .optional(),
});
type Settings = z.infer<typeof anthropicSettingsSchema>;

/** The usage report groups every bucket by key, workspace and model (reference §4.1). */
const USAGE_GROUPS = ['api_key_id', 'workspace_id', 'model'];
/** Grouped by description, the cost report names the model and token type of each line (§4.2). */
const COST_GROUPS = ['workspace_id', 'description'];
/** Most buckets a page may hold, per width (§4.1). */
const MAX_BUCKETS = { '1h': 168, '1d': 31 } as const;

const dayPosition = z.object({ day: z.string(), page: z.string().nullable() });

/**
 * Anthropic Admin API (`type: anthropic-admin`): the usage report (tokens by key, workspace and model; list
 * estimates priced later), the cost report (what was billed, in cents → dollars, basis billed) and Claude
 * Code analytics (per person per day, Anthropic's estimate, basis provider_reported). Usage and cost share
 * the stream `anthropic:<account>:<workspace>`, so the ledger takes the bill as the day's total and the
 * usage as its attribution.
 */
export const createAnthropicAdminConnector = defineConnector({
  type: 'anthropic-admin',
  schema: anthropicSettingsSchema,
  // Costs settle for a few days: every run re-reads the last three (ids per bucket and group make it safe).
  overlapMinutes: 3 * 24 * 60,
  auth: (key, s) => ({ header: 'x-api-key', value: key, hint: `the admin key in $${s.token_env}` }),
  client: () => ({ headers: { 'anthropic-version': '2023-06-01' } }),
  pages: ({ settings: s, http, deps, source }) => {
    const root = apiRoot(s.base_url ?? ANTHROPIC_API);
    const org = s.account ?? deps.org ?? source.name;
    const reports = new Set(s.reports ?? ANTHROPIC_REPORTS);
    const usageSource = s.bucket_width === '1h' ? `${USAGE_SOURCE}-1h` : USAGE_SOURCE;

    const report = (path: string, query: (q: URLSearchParams) => void) => (page: string | null) => {
      const url = new URL(`${root}${path}`);
      query(url.searchParams);
      if (page !== null) url.searchParams.set('page', page);
      return url;
    };
    const windowed = (from: PhaseFrom, width: 'hour' | 'day') => (q: URLSearchParams) => {
      q.set('starting_at', floorUtc(from.since ?? new Date(0), width).toISOString());
      q.set('ending_at', from.until.toISOString());
    };

    const phases: Phase[] = [];
    if (reports.has('usage')) {
      phases.push({
        name: 'usage',
        pages: (from, signal) =>
          reportPages({
            http,
            signal,
            start: from.position,
            url: report('/v1/organizations/usage_report/messages', (q) => {
              windowed(from, s.bucket_width === '1h' ? 'hour' : 'day')(q);
              q.set('bucket_width', s.bucket_width);
              q.set('limit', String(Math.min(s.page_size ?? 100, MAX_BUCKETS[s.bucket_width])));
              for (const g of USAGE_GROUPS) q.append('group_by[]', g);
            }),
            parse: (body, file) => {
              const r = parseAnthropicUsageReport(body, { file, org, usageSource });
              return { usage: r.records, problems: r.problems, high: newestStart(r.records) };
            },
          }),
      });
    }
    if (reports.has('cost')) {
      phases.push({
        name: 'cost',
        pages: (from, signal) =>
          reportPages({
            http,
            signal,
            start: from.position,
            url: report('/v1/organizations/cost_report', (q) => {
              windowed(from, 'day')(q);
              q.set('bucket_width', '1d');
              q.set('limit', String(Math.min(s.page_size ?? 31, 31)));
              for (const g of COST_GROUPS) q.append('group_by[]', g);
            }),
            parse: (body, file) => {
              const r = parseAnthropicCostReport(body, { file, org });
              return { usage: r.records, problems: r.problems, high: newestStart(r.records) };
            },
          }),
      });
    }
    if (reports.has('claude_code')) {
      phases.push({ name: 'claude_code', pages: (from, signal) => claudeCodeDays(s, from, signal) });
    }

    /** Claude Code analytics takes one UTC day per request (reference §4.3): day by day, page by page. */
    async function* claudeCodeDays(
      st: Settings,
      from: PhaseFrom,
      signal?: AbortSignal,
    ): AsyncIterable<SyncPage> {
      const days = utcDays(from.since ?? from.until, from.until);
      const resume = decodeJson(dayPosition, from.position);
      let i = resume ? Math.max(0, days.indexOf(resume.day)) : 0;
      let page = resume?.page ?? null;
      for (; i < days.length; i++, page = null) {
        const day = days[i] as string;
        const pages = reportPages({
          http,
          signal,
          start: page,
          url: report('/v1/organizations/usage_report/claude_code', (q) => {
            q.set('starting_at', day);
            q.set('limit', String(Math.min(st.page_size ?? 100, 1000)));
          }),
          parse: (body, file) => {
            const r = parseClaudeCodeAnalytics(body, { file: `${file} ${day}` });
            return {
              usage: r.records,
              activity: r.activity,
              problems: r.problems,
              high: newestStart(r.records),
            };
          },
        });
        for await (const p of pages) {
          const nextDay = days[i + 1];
          const next =
            p.next !== null
              ? { day, page: p.next }
              : nextDay !== undefined
                ? { day: nextDay, page: null }
                : null;
          yield { ...p, next: next && JSON.stringify(next) };
        }
      }
    }

    return phasedPages(phases, deps.now);
  },
});
