import { createAnthropicAdminConnector } from '../../src/connectors/anthropic-admin/connector.js';
import { createCopilotConnector } from '../../src/connectors/copilot/connector.js';
import { createCursorAdminConnector } from '../../src/connectors/cursor-admin/connector.js';
import { createOpenaiAdminConnector } from '../../src/connectors/openai-admin/connector.js';
import { sourceConfig } from '../support/apis.js';
import { fakeClock } from '../support/fake-clock.js';
import type { SeenRequest } from '../support/replay-server.js';
import { bucketReport, days } from '../support/reports.js';
import { rejected, runConnectorSpecs, set, type ConnectorSpec, type Item } from './connectors.js';
import type { Expect, Measured } from './measure.js';

/**
 * The vendor connectors (Anthropic and OpenAI admin reports, Cursor admin, Copilot) fed malformed answers
 * through the replay server, in the documented shapes their connector tests replay (reference §4–§7). Item
 * cases break one usage result / event / seat among good ones: it must be skipped and listed with its field,
 * the others stored. Page cases break one page: the sync must fail naming the request.
 */
const built = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};
const USAGE_ROWS = `SELECT count(*) AS n FROM usage`;
const SEAT_ROWS = `SELECT count(*) AS n FROM seat_records`;
const whole = (v: unknown) => () => v;
const structural: Expect = { outcome: 'rejected', field: null };

// Anthropic (§4.1): day buckets of usage results; the target is the first result of the first day.
const A_DAYS = days('2026-07-01', 3);
const anthropicResult = (key: string, model: string, d: number): Item => ({
  account_id: null,
  api_key_id: key,
  workspace_id: 'wrkspc_01',
  service_account_id: null,
  model,
  service_tier: 'standard',
  context_window: '0-200k',
  inference_geo: 'global',
  uncached_input_tokens: 1000 + d,
  cache_read_input_tokens: 5000,
  cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 10 },
  output_tokens: 300 + d,
  server_tool_use: { web_search_requests: 0 },
});
const isoWindow = (req: SeenRequest) => ({
  since: Date.parse(req.query.get('starting_at') ?? ''),
  until: req.query.get('ending_at') ? Date.parse(req.query.get('ending_at') ?? '') : null,
});
const isoStart = (b: { starting_at: string }) => Date.parse(b.starting_at);
const A_USAGE = '/v1/organizations/usage_report/messages';

// OpenAI (§5.1): completions buckets in epoch seconds; input_tokens includes the cached ones.
const O_DAY0 = Date.parse('2026-07-01T00:00:00Z') / 1000;
const openaiResult = (model: string, d: number): Item => ({
  object: 'organization.usage.completions.result',
  input_tokens: 52000 + d,
  input_cached_tokens: 3000,
  input_cache_write_tokens: 100,
  input_uncached_tokens: 48900 + d,
  output_tokens: 4100 + d,
  input_audio_tokens: 0,
  output_audio_tokens: 0,
  num_model_requests: 37,
  project_id: 'proj_A',
  user_id: 'user-ana',
  api_key_id: 'key_TestXyz',
  model,
  batch: null,
  service_tier: null,
});
const epochWindow = (req: SeenRequest) => ({
  since: Number(req.query.get('start_time')) * 1000,
  until: req.query.get('end_time') ? Number(req.query.get('end_time')) * 1000 : null,
});
const epochStart = (b: { start_time: number }) => b.start_time * 1000;
const O_USAGE = '/v1/organization/usage/completions';

// Cursor (§6.4): usage events, timestamps epoch ms as strings, cents as numbers.
const cursorEvent = (i: number, cents: number): Item => ({
  timestamp: String(Date.parse('2026-07-02T09:00:00Z') + i * 3_600_000),
  model: i % 2 ? 'claude-4.5-sonnet' : 'gpt-5',
  kind: 'Usage-based',
  maxMode: false,
  requestsCosts: 1,
  isTokenBasedCall: true,
  tokenUsage: {
    inputTokens: 100 * i,
    outputTokens: 10 * i,
    cacheWriteTokens: 0,
    cacheReadTokens: 1000,
    totalCents: cents,
  },
  isFreeBugbot: false,
  userEmail: 'ana@example.com',
});
const C_EVENTS = '/teams/filtered-usage-events';

// Copilot (§7): the seat list; the report and premium endpoints answer nothing to count.
const copilotSeat = (login: string, plan: string, last: string | null): Item => ({
  created_at: '2026-03-02T10:00:00Z',
  updated_at: '2026-03-02T10:00:00Z',
  pending_cancellation_date: null,
  last_activity_at: last,
  last_activity_editor: last ? 'vscode/1.99/copilot-chat/0.31' : null,
  plan_type: plan,
  assignee: { login, id: login.length, type: 'User' },
});
const P_SEATS = '/orgs/acme/copilot/billing/seats';

const SPECS: ConnectorSpec[] = [
  {
    name: 'anthropic-admin',
    items: [
      anthropicResult('apikey_01A', 'claude-sonnet-4-6', 0),
      anthropicResult('apikey_01B', 'claude-haiku-4-5', 0),
      anthropicResult('apikey_01C', 'claude-sonnet-4-6', 0),
    ],
    serve: (s, items) => {
      const buckets = A_DAYS.map((day, d) => ({
        starting_at: `${day}T00:00:00Z`,
        ending_at: `${A_DAYS[d + 1] ?? '2026-07-04'}T00:00:00Z`,
        results: d === 0 ? items : [anthropicResult('apikey_01A', 'claude-sonnet-4-6', d)],
      }));
      s.route('GET', A_USAGE, bucketReport(buckets, { startOf: isoStart, window: isoWindow }));
      s.route(
        'GET',
        '/v1/organizations/cost_report',
        bucketReport([], { startOf: isoStart, window: isoWindow }),
      );
      s.route('GET', '/v1/organizations/usage_report/claude_code', () => ({
        json: { data: [], has_more: false, next_page: null },
      }));
    },
    page: { method: 'GET', path: A_USAGE },
    make: (url) =>
      built(
        createAnthropicAdminConnector(
          sourceConfig('anthropic', { token_env: 'KEY', base_url: url, since: '2026-07-01', page_size: 2 }),
          {
            env: { KEY: 'sk-ant-admin01-replayAnthropicKey0001' },
            now: () => Date.parse('2026-07-04T12:00:00Z'),
            clock: fakeClock(),
            org: 'acme',
          },
        ),
      ),
    target: 0,
    count: USAGE_ROWS,
    itemCases: [
      { id: 'output_tokens 1e18', change: set('output_tokens', 1e18), expect: rejected('output_tokens') },
      { id: 'output_tokens -5', change: set('output_tokens', -5), expect: rejected('output_tokens') },
      { id: 'output_tokens "NaN"', change: set('output_tokens', 'NaN'), expect: rejected('output_tokens') },
      {
        id: 'uncached_input_tokens missing',
        change: set('uncached_input_tokens', undefined),
        expect: rejected('uncached_input_tokens'),
      },
      {
        id: 'cache_read_input_tokens a string',
        change: set('cache_read_input_tokens', 'lots'),
        expect: rejected('cache_read_input_tokens'),
      },
      {
        id: 'cache_creation a number',
        change: set('cache_creation', 5),
        expect: rejected('cache_creation'),
      },
      { id: 'model a number', change: set('model', 42), expect: rejected('model') },
      { id: 'the result a string', change: whole('usage'), expect: structural },
    ],
  },
  {
    name: 'openai-admin',
    items: [
      openaiResult('gpt-4.1-mini-2025-04-14', 0),
      openaiResult('gpt-4.1-2025-04-14', 0),
      openaiResult('gpt-4o-2024-08-06', 0),
    ],
    serve: (s, items) => {
      const buckets = [0, 1, 2].map((d) => ({
        object: 'bucket',
        start_time: O_DAY0 + d * 86400,
        end_time: O_DAY0 + (d + 1) * 86400,
        results: d === 0 ? items : [openaiResult('gpt-4.1-mini-2025-04-14', d)],
      }));
      const opts = { startOf: epochStart, window: epochWindow, envelope: { object: 'page' } };
      s.route('GET', O_USAGE, bucketReport(buckets, opts));
      s.route('GET', '/v1/organization/costs', bucketReport([], opts));
    },
    page: { method: 'GET', path: O_USAGE },
    make: (url) =>
      built(
        createOpenaiAdminConnector(
          sourceConfig('openai', {
            token_env: 'KEY',
            base_url: `${url}/v1`,
            since: '2026-07-01',
            page_size: 2,
          }),
          {
            env: { KEY: 'sk-admin-replayOpenAiKey00000001' },
            now: () => Date.parse('2026-07-04T12:00:00Z'),
            clock: fakeClock(),
            org: 'acme',
          },
        ),
      ),
    target: 0,
    count: USAGE_ROWS,
    itemCases: [
      { id: 'input_tokens 1e18', change: set('input_tokens', 1e18), expect: rejected('input_tokens') },
      { id: 'output_tokens -1', change: set('output_tokens', -1), expect: rejected('output_tokens') },
      {
        id: 'num_model_requests "NaN"',
        change: set('num_model_requests', 'NaN'),
        expect: rejected('num_model_requests'),
      },
      {
        // (older answers lack the cached split: documented default 0)
        id: 'input_cached_tokens missing',
        change: set('input_cached_tokens', undefined),
        expect: { outcome: 'accepted' },
      },
      {
        // (older shape: cached tokens are a part of input_tokens; more cached than input is impossible and
        // fromInclusiveInput clamps the cached part to input_tokens, the total kept: stored, not rejected)
        id: 'input_cached_tokens above input_tokens',
        change: (it) => {
          const { input_uncached_tokens: _u, input_cache_write_tokens: _w, ...rest } = it;
          return { ...rest, input_cached_tokens: 10_000_000 };
        },
        expect: { outcome: 'accepted' },
      },
      { id: 'input_tokens a string', change: set('input_tokens', '52k'), expect: rejected('input_tokens') },
      { id: 'the result null', change: whole(null), expect: structural },
    ],
  },
  {
    name: 'cursor-admin',
    items: [cursorEvent(1, 2.5), cursorEvent(2, 12.4551), cursorEvent(3, 7.25), cursorEvent(4, 0.75)],
    serve: (s, items) => {
      s.route('GET', '/teams/members', () => ({
        json: {
          teamMembers: [{ id: 1, name: 'Ana', email: 'ana@example.com', role: 'member', isRemoved: false }],
        },
      }));
      s.route('POST', '/teams/spend', () => ({
        json: {
          teamMemberSpend: [],
          subscriptionCycleStart: Date.parse('2026-07-01T00:00:00Z'),
          totalMembers: 0,
          totalPages: 1,
        },
      }));
      s.route('POST', C_EVENTS, (req) => {
        const b = req.json as { page: number; pageSize: number };
        const page = items.slice((b.page - 1) * b.pageSize, b.page * b.pageSize);
        const numPages = Math.ceil(items.length / b.pageSize);
        return {
          json: {
            totalUsageEventsCount: items.length,
            pagination: {
              numPages,
              currentPage: b.page,
              pageSize: b.pageSize,
              hasNextPage: b.page < numPages,
            },
            usageEvents: page,
          },
        };
      });
      s.route('POST', '/teams/daily-usage-data', () => ({ json: { data: [] } }));
    },
    page: { method: 'POST', path: C_EVENTS },
    make: (url) =>
      built(
        createCursorAdminConnector(
          sourceConfig('cursor', { token_env: 'KEY', base_url: url, since: '2026-06-01', page_size: 3 }),
          {
            env: { KEY: 'key_replayCursorAdmin000000001' },
            now: () => Date.parse('2026-07-08T12:00:00Z'),
            clock: fakeClock(),
            org: 'acme',
          },
        ),
      ),
    target: 0,
    count: USAGE_ROWS,
    itemCases: [
      { id: 'timestamp not a time', change: set('timestamp', 'yesterday'), expect: rejected('timestamp') },
      { id: 'timestamp missing', change: set('timestamp', undefined), expect: rejected('timestamp') },
      {
        id: 'totalCents negative',
        change: set('tokenUsage.totalCents', -250),
        expect: rejected('tokenUsage.totalCents|totalCents'),
      },
      {
        id: 'totalCents "NaN"',
        change: set('tokenUsage.totalCents', 'NaN'),
        expect: rejected('tokenUsage.totalCents|totalCents'),
      },
      {
        id: 'inputTokens 1e18',
        change: set('tokenUsage.inputTokens', 1e18),
        expect: rejected('tokenUsage.inputTokens|inputTokens'),
      },
      { id: 'tokenUsage a string', change: set('tokenUsage', 'many'), expect: rejected('tokenUsage') },
      { id: 'model a number', change: set('model', 7), expect: rejected('model') },
      { id: 'the event an array', change: whole([]), expect: structural },
    ],
  },
  {
    name: 'copilot',
    items: [
      copilotSeat('ana', 'business', '2026-07-05T09:00:00Z'),
      copilotSeat('bo', 'enterprise', '2026-05-01T09:00:00Z'),
      copilotSeat('cy', 'business', null),
    ],
    serve: (s, items) => {
      s.route('GET', P_SEATS, (req) => {
        const per = Number(req.query.get('per_page'));
        const page = Number(req.query.get('page'));
        const more = page * per < items.length;
        return {
          json: { total_seats: items.length, seats: items.slice((page - 1) * per, page * per) },
          headers: more
            ? { link: `<${s.url}${P_SEATS}?per_page=${per}&page=${page + 1}>; rel="next"` }
            : undefined,
        };
      });
      s.route('GET', '/orgs/acme/copilot/metrics/reports/users-1-day', (req) => ({
        json: { download_links: [], report_day: req.query.get('day') },
      }));
      s.route('GET', '/organizations/acme/settings/billing/premium_request/usage', () => ({
        json: { timePeriod: { year: 2026, month: 7 }, organization: 'acme', usageItems: [] },
      }));
    },
    page: { method: 'GET', path: P_SEATS },
    make: (url) =>
      built(
        createCopilotConnector(
          sourceConfig('copilot', {
            token_env: 'KEY',
            org: 'acme',
            base_url: url,
            since: '2026-07-01',
            page_size: 2,
            seat_prices: { business: 19, enterprise: '39' },
          }),
          {
            env: { KEY: 'ghp_replayCopilotToken0000000001' },
            now: () => Date.parse('2026-07-03T10:00:00Z'),
            clock: fakeClock(),
          },
        ),
      ),
    target: 0,
    count: SEAT_ROWS,
    itemCases: [
      { id: 'assignee missing', change: set('assignee', undefined), expect: rejected('assignee') },
      { id: 'assignee.login a number', change: set('assignee.login', 5), expect: rejected('assignee.login') },
      { id: 'created_at not a date', change: set('created_at', 'soon'), expect: rejected('created_at') },
      { id: 'created_at a number', change: set('created_at', 1e18), expect: rejected('created_at') },
      {
        id: 'last_activity_at not a date',
        change: set('last_activity_at', 'NaN'),
        expect: rejected('last_activity_at'),
      },
      { id: 'plan_type a number', change: set('plan_type', 3), expect: rejected('plan_type') },
      { id: 'the seat a string', change: whole('ana'), expect: structural },
    ],
  },
];

/** Runs the vendor connector corpus on one replay server. */
export function runVendorConnectorCorpus(): Promise<Measured[]> {
  return runConnectorSpecs(SPECS);
}
