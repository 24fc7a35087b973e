import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { memoryDb, sourceConfig, storedSpend } from '../../../test/support/apis.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer, type SeenRequest } from '../../../test/support/replay-server.js';
import { bucketReport, days } from '../../../test/support/reports.js';
import { MileageError } from '../../domain/errors.js';
import { finishIngest } from '../../ingest/finish.js';
import { PriceBook } from '../../pricing/price-book.js';
import { readCursor } from '../sync/cursor.js';
import { runSync } from '../sync/runner.js';
import { createAnthropicAdminConnector } from './connector.js';

const KEY = 'sk-ant-admin01-replayAnthropicKey0001';
const DAYS = days('2026-07-01', 8);
const NOW = Date.parse('2026-07-08T12:00:00Z');

// Usage (reference §4.1): two groups a day, one on a model no price list knows; one malformed result.
const usageResult = (d: number, key: string, ws: string | null, model: string) => ({
  account_id: null,
  api_key_id: key,
  workspace_id: ws,
  service_account_id: null,
  model,
  service_tier: 'standard',
  context_window: '0-200k',
  inference_geo: 'global',
  uncached_input_tokens: 1000 * (d + 1),
  cache_read_input_tokens: 5000 + d,
  cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 10 * d },
  output_tokens: 300 * (d + 1),
  server_tool_use: { web_search_requests: 0 },
});
const usageDays = DAYS.map((day, d) => ({
  starting_at: `${day}T00:00:00Z`,
  ending_at: `${DAYS[d + 1] ?? '2026-07-09'}T00:00:00Z`,
  results:
    d === 7
      ? []
      : [
          usageResult(d, 'apikey_01A', 'wrkspc_01', 'claude-sonnet-4-6'),
          usageResult(d, 'apikey_01B', null, 'claude-mystery-9'),
          ...(d === 2 ? [{ ...usageResult(d, 'apikey_01C', null, 'x'), output_tokens: -1 }] : []),
        ],
}));
// Hourly buckets for the 1h test: 30 hours of one group.
const usageHours = Array.from({ length: 30 }, (_, h) => {
  const start = Date.parse('2026-07-07T00:00:00Z') + h * 3_600_000;
  return {
    starting_at: new Date(start).toISOString().replace('.000', ''),
    ending_at: new Date(start + 3_600_000).toISOString().replace('.000', ''),
    results: [usageResult(h, 'apikey_01A', 'wrkspc_01', 'claude-sonnet-4-6')],
  };
});
// Costs (§4.2): cents as decimal strings.
const costDays = DAYS.map((day, d) => ({
  starting_at: `${day}T00:00:00Z`,
  ending_at: `${DAYS[d + 1] ?? '2026-07-09'}T00:00:00Z`,
  results: [
    {
      amount: `${54 + d}.966`,
      currency: 'USD',
      workspace_id: 'wrkspc_01',
      description: 'Claude Sonnet 4.6 Usage - Input Tokens',
      cost_type: 'tokens',
      model: 'claude-sonnet-4-6',
      token_type: 'uncached_input_tokens',
      service_tier: 'standard',
      context_window: '0-200k',
      inference_geo: 'global',
    },
    {
      amount: `273.61${d}`,
      currency: 'USD',
      workspace_id: 'wrkspc_01',
      description: 'Claude Sonnet 4.6 Usage - Output Tokens',
      cost_type: 'tokens',
      model: 'claude-sonnet-4-6',
      token_type: 'output_tokens',
      service_tier: 'standard',
      context_window: '0-200k',
      inference_geo: 'global',
    },
  ],
}));
// Claude Code analytics (§4.3): per actor per day; cents as numbers.
const claudeCode = (day: string, d: number) => [
  {
    date: `${day}T00:00:00Z`,
    actor: { type: 'user_actor', email_address: 'ana@example.com' },
    organization_id: 'dc9f6c26-b22c-4831-8d01-0446bada88f1',
    customer_type: 'api',
    subscription_type: null,
    terminal_type: 'vscode',
    is_remote: false,
    core_metrics: {
      num_sessions: 2 + d,
      lines_of_code: { added: 10, removed: 2 },
      commits_by_claude_code: 1,
      pull_requests_by_claude_code: 0,
    },
    tool_actions: { edit_tool: { accepted: 3, rejected: 1 } },
    model_breakdown: [
      {
        model: 'claude-sonnet-4-6',
        tokens: { input: 100 + d, output: 900, cache_read: 8000, cache_creation: 300 },
        estimated_cost: { currency: 'USD', amount: 51.2 + d },
      },
    ],
  },
  ...(d % 2 === 0
    ? [
        {
          date: `${day}T00:00:00Z`,
          actor: { type: 'api_actor', api_key_name: 'ci-bot' },
          organization_id: 'dc9f6c26-b22c-4831-8d01-0446bada88f1',
          customer_type: 'api',
          terminal_type: 'non-interactive',
          is_remote: true,
          core_metrics: { num_sessions: 1 },
          model_breakdown: [
            {
              model: 'claude-haiku-4-5',
              tokens: { input: 10, output: 90, cache_read: 0, cache_creation: 0 },
              estimated_cost: { currency: 'USD', amount: 3 },
            },
          ],
        },
      ]
    : []),
];

const isoWindow = (req: SeenRequest) => ({
  since: Date.parse(req.query.get('starting_at') ?? ''),
  until: req.query.get('ending_at') ? Date.parse(req.query.get('ending_at') ?? '') : null,
});
const startOf = (b: { starting_at: string }) => Date.parse(b.starting_at);

const USAGE = '/v1/organizations/usage_report/messages';
const COST = '/v1/organizations/cost_report';
const CLAUDE_CODE = '/v1/organizations/usage_report/claude_code';

let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  const daily = bucketReport(usageDays, { startOf, window: isoWindow });
  const hourly = bucketReport(usageHours, { startOf, window: isoWindow });
  server.route('GET', USAGE, (req) => (req.query.get('bucket_width') === '1h' ? hourly(req) : daily(req)));
  server.route('GET', COST, bucketReport(costDays, { startOf, window: isoWindow }));
  server.route('GET', CLAUDE_CODE, (req) => {
    const day = req.query.get('starting_at') ?? '';
    const records = DAYS.includes(day) ? claudeCode(day, DAYS.indexOf(day)) : [];
    const limit = Number(req.query.get('limit'));
    const offset = Number((req.query.get('page') ?? 'pg_0').slice(3));
    const data = records.slice(offset, offset + limit);
    const more = offset + data.length < records.length;
    return { json: { data, has_more: more, next_page: more ? `pg_${offset + data.length}` : null } };
  });
});
afterAll(() => server.close());

function make(clock = fakeClock(), extra: Record<string, unknown> = {}) {
  const r = createAnthropicAdminConnector(
    sourceConfig('anthropic', {
      token_env: 'ANTHROPIC_ADMIN_KEY',
      base_url: server.url,
      since: '2026-07-01',
      page_size: 3,
      ...extra,
    }),
    { env: { ANTHROPIC_ADMIN_KEY: KEY }, now: () => NOW, clock, org: 'acme' },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** Sums computed from the replayed inputs, not from the store. */
function expectedUsageTokens() {
  let input = 0;
  let output = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  for (const b of usageDays)
    for (const r of b.results) {
      if (r.output_tokens < 0) continue;
      input += r.uncached_input_tokens;
      output += r.output_tokens;
      cacheRead += r.cache_read_input_tokens;
      cacheWrite += r.cache_creation.ephemeral_5m_input_tokens + r.cache_creation.ephemeral_1h_input_tokens;
    }
  return { input, output, cacheRead, cacheWrite };
}
const billedUsd = costDays
  .flatMap((b) => b.results)
  .reduce((sum, r) => sum.plus(new Decimal(r.amount).div(100)), new Decimal(0));
const claudeCodeUsd = DAYS.flatMap((day, d) => claudeCode(day, d))
  .flatMap((r) => r.model_breakdown)
  .reduce((sum, m) => sum.plus(new Decimal(m.estimated_cost.amount).div(100)), new Decimal(0));

async function totals(db: Awaited<ReturnType<typeof memoryDb>>) {
  return db.query(
    `SELECT source, cost_basis, count(*) AS n, sum(input_tokens) AS input, sum(output_tokens) AS output,
       sum(cache_read_tokens) AS cache_read, sum(cache_write_tokens) AS cache_write, CAST(sum(cost) AS VARCHAR) AS cost
     FROM usage GROUP BY ALL ORDER BY source`,
  );
}

describe('Anthropic Admin connector', () => {
  it('syncs usage, cost and Claude Code analytics page by page with stable ids and the right bases', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    const s = await runSync(db, make());
    const seen = server.requests.slice(mark);
    const usageCalls = seen.filter((r) => r.path === USAGE);
    expect(usageCalls.map((r) => r.query.get('page'))).toEqual([null, 'pg_3', 'pg_6']);
    expect(usageCalls[0]?.query.getAll('group_by[]')).toEqual(['api_key_id', 'workspace_id', 'model']);
    expect(usageCalls[0]?.query.get('starting_at')).toBe('2026-07-01T00:00:00.000Z');
    expect(usageCalls[0]?.query.get('bucket_width')).toBe('1d');
    expect(usageCalls[0]?.headers['x-api-key']).toBe(KEY);
    expect(usageCalls[0]?.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.filter((r) => r.path === COST)[0]?.query.getAll('group_by[]')).toEqual([
      'workspace_id',
      'description',
    ]);
    expect(seen.filter((r) => r.path === CLAUDE_CODE).map((r) => r.query.get('starting_at'))).toEqual(DAYS);
    expect(s.pages).toBe(3 + 3 + DAYS.length);
    expect(s.problems.map((p) => p.field)).toEqual(['data[2].results[2].output_tokens']);

    const t = expectedUsageTokens();
    const rows = await totals(db);
    expect(rows).toEqual([
      {
        source: 'anthropic-claude-code-analytics',
        cost_basis: 'provider_reported',
        n: 8 + 4,
        input: DAYS.reduce((n, _d, i) => n + 100 + i, 0) + 4 * 10,
        output: 8 * 900 + 4 * 90,
        cache_read: 8 * 8000,
        cache_write: 8 * 300,
        cost: claudeCodeUsd.toFixed(10),
      },
      {
        source: 'anthropic-cost-report',
        cost_basis: 'billed',
        n: 16,
        input: 0,
        output: 0,
        cache_read: 0,
        cache_write: 0,
        cost: billedUsd.toFixed(10),
      },
      {
        source: 'anthropic-usage-report',
        cost_basis: 'list_estimate',
        n: 14,
        input: t.input,
        output: t.output,
        cache_read: t.cacheRead,
        cache_write: t.cacheWrite,
        cost: null,
      },
    ]);
    const streams = await db.query(
      'SELECT DISTINCT source, stream, granularity FROM usage ORDER BY source, stream NULLS FIRST',
    );
    expect(streams).toEqual([
      { source: 'anthropic-claude-code-analytics', stream: null, granularity: 'day' },
      { source: 'anthropic-cost-report', stream: 'anthropic:acme:wrkspc_01', granularity: 'day' },
      { source: 'anthropic-usage-report', stream: 'anthropic:acme:default', granularity: 'day' },
      { source: 'anthropic-usage-report', stream: 'anthropic:acme:wrkspc_01', granularity: 'day' },
    ]);
    // People's days are seat activity; the API key's are not.
    expect(await db.query('SELECT count(*) AS n, sum(interactions) AS i FROM seat_activity')).toEqual([
      { n: 8, i: DAYS.reduce((n, _d, i) => n + 2 + i, 0) },
    ]);
    // Watermark: the newest bucket read (the analytics of the last day).
    expect((await readCursor(db, 'anthropic')).watermark).toBe('2026-07-08T00:00:00.000Z');
  });

  it('an unknown model stays unpriced; the ledger takes the bill as the day total of the stream', async () => {
    const db = await memoryDb();
    await runSync(db, make());
    await finishIngest(db, new PriceBook([]));
    const priced = await db.query(
      `SELECT model, count(*) FILTER (WHERE cost IS NULL) AS unpriced, count(*) AS n FROM usage
       WHERE source = 'anthropic-usage-report' GROUP BY model ORDER BY model`,
    );
    expect(priced).toEqual([
      { model: 'claude-mystery-9', unpriced: 7, n: 7 },
      { model: 'claude-sonnet-4-6', unpriced: 0, n: 7 },
    ]);
    expect((await db.unpricedModels()).map((m) => m.model)).toContain('claude-mystery-9');
    const day = await db.query(
      `SELECT CAST(sum(cost) AS VARCHAR) AS cost, any_value(basis) AS basis FROM ledger
       WHERE stream = 'anthropic:acme:wrkspc_01' AND day = DATE '2026-07-02'`,
    );
    const billed = costDays[1]?.results.reduce(
      (s, r) => s.plus(new Decimal(r.amount).div(100)),
      new Decimal(0),
    );
    expect(day).toEqual([{ cost: billed?.toFixed(10), basis: 'billed' }]);
  });

  it('overlapping windows store nothing twice; the next run starts three days before the watermark', async () => {
    const db = await memoryDb();
    await runSync(db, make());
    const before = await totals(db);
    const again = await runSync(db, make(), { since: new Date('2026-06-28T00:00:00Z') });
    expect(again.alreadyStored).toBe(again.records);
    const mark = server.requests.length;
    await runSync(db, make());
    expect(server.requests[mark]?.query.get('starting_at')).toBe('2026-07-05T00:00:00.000Z');
    expect(await totals(db)).toEqual(before);
  });

  it('hourly buckets: their own source and granularity, up to 168 a page', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    await runSync(db, make(fakeClock(), { bucket_width: '1h', reports: ['usage'], page_size: 100 }));
    const calls = server.requests.slice(mark);
    expect(calls.map((r) => [r.query.get('bucket_width'), r.query.get('limit')])).toEqual([['1h', '100']]);
    expect(await db.query('SELECT source, granularity, count(*) AS n FROM usage GROUP BY ALL')).toEqual([
      { source: 'anthropic-usage-report-1h', granularity: 'hour', n: 30 },
    ]);
  });

  it('waits the Retry-After of a 429 and retries 5xx', async () => {
    server.script('GET', COST, { status: 429, headers: { 'retry-after': '7' } });
    server.script('GET', CLAUDE_CODE, { status: 503 }, { status: 502 });
    const clock = fakeClock();
    const db = await memoryDb();
    const s = await runSync(db, make(clock));
    expect(clock.waits[0]).toBe(7000);
    expect(clock.waits).toHaveLength(3);
    expect(s.retries).toBe(3);
    expect((await totals(db)).map((r) => r.n)).toEqual([12, 16, 14]);
  });

  it('a malformed page stops the source with an upstream error; the resumed run completes the totals', async () => {
    const full = await memoryDb();
    await runSync(full, make());
    const db = await memoryDb();
    server.script('GET', COST, { json: costPage(0) }, { text: '{"data": [' });
    const error = await runSync(db, make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MileageError);
    expect((error as Error).message).toMatch(
      /^GET 127\.0\.0\.1:\d+\/v1\/organizations\/cost_report: the response is not valid JSON/,
    );
    expect((error as Error).message).not.toContain(KEY);
    expect((await readCursor(db, 'anthropic')).run?.pages).toBe(4);
    const resumed = await runSync(db, make());
    expect(resumed.resumed).toBe(true);
    expect(await storedSpend(db)).toEqual(await storedSpend(full));
  });

  it.each([2, 5, 9])(
    'killed after page %i and resumed: the same facts as an uninterrupted sync',
    async (k) => {
      const r = await killAndResume(
        () => make(),
        k,
        (db) => storedSpend(db),
      );
      expect(r.killError).toEqual(new Error('killed'));
      expect(r.partial.length).toBeLessThan(r.expected.length);
      expect(r.resumed.resumed).toBe(true);
      expect(r.after).toEqual(r.expected);
      expect(r.metaText).not.toContain(KEY);
    },
  );
});

/** The first cost page as the API would serve it (three buckets, more to come). */
function costPage(offset: number) {
  return { data: costDays.slice(offset, offset + 3), has_more: true, next_page: `pg_${offset + 3}` };
}
