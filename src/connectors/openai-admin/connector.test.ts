import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { memoryDb, sourceConfig, storedSpend } from '../../../test/support/apis.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer, type SeenRequest } from '../../../test/support/replay-server.js';
import { bucketReport } from '../../../test/support/reports.js';
import { MileageError } from '../../domain/errors.js';
import type { Db } from '../../store/db.js';
import { finishIngest } from '../../ingest/finish.js';
import { PriceBook } from '../../pricing/price-book.js';
import { readCursor } from '../sync/cursor.js';
import { runSync } from '../sync/runner.js';
import { createOpenaiAdminConnector } from './connector.js';

const KEY = 'sk-admin-replayOpenAiKey00000001';
const DAY0 = Date.parse('2026-07-01T00:00:00Z') / 1000;
const NOW = Date.parse('2026-07-06T15:00:00Z');
const N = 6;

// Completions (reference §5.1): input_tokens INCLUDES cached and cache-write tokens. Day 4's answer is in
// the older shape (no input_uncached_tokens / input_cache_write_tokens).
const completion = (d: number, model: string, project: string | null) => {
  const cached = 3000 + d;
  const write = d === 4 ? undefined : 100;
  const input = 52000 + d * 10;
  return {
    object: 'organization.usage.completions.result',
    input_tokens: input,
    input_cached_tokens: cached,
    ...(write === undefined
      ? {}
      : { input_cache_write_tokens: write, input_uncached_tokens: input - cached - write }),
    output_tokens: 4100 + d,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
    num_model_requests: 37 + d,
    project_id: project,
    user_id: 'user-ana',
    api_key_id: 'key_TestXyz',
    model,
    batch: null,
    service_tier: null,
  };
};
const usageBuckets = Array.from({ length: N }, (_, d) => ({
  object: 'bucket',
  start_time: DAY0 + d * 86400,
  end_time: DAY0 + (d + 1) * 86400,
  results: [
    completion(d, 'gpt-4.1-mini-2025-04-14', 'proj_A'),
    completion(d, 'gpt-unknown-77', null),
    ...(d === 1 ? [{ ...completion(d, 'x', 'proj_A'), num_model_requests: 'many' }] : []),
  ],
}));
// Costs (§5.2): dollars as numbers.
const costBuckets = Array.from({ length: N }, (_, d) => ({
  object: 'bucket',
  start_time: DAY0 + d * 86400,
  end_time: DAY0 + (d + 1) * 86400,
  results: [
    {
      object: 'organization.costs.result',
      amount: { value: 0.0088 + d / 1000, currency: 'usd' },
      line_item: 'gpt-4.1-mini, input',
      project_id: 'proj_A',
      api_key_id: null,
      quantity: 22000,
      quantity_unit: 'tokens',
    },
    {
      object: 'organization.costs.result',
      amount: { value: 1.2345, currency: 'usd' },
      line_item: 'gpt-4.1-mini, output',
      project_id: 'proj_A',
      api_key_id: null,
      quantity: 4100,
      quantity_unit: 'tokens',
    },
  ],
}));

const USAGE = '/v1/organization/usage/completions';
const COSTS = '/v1/organization/costs';
const window = (req: SeenRequest) => ({
  since: Number(req.query.get('start_time')) * 1000,
  until: req.query.get('end_time') ? Number(req.query.get('end_time')) * 1000 : null,
});
const startOf = (b: { start_time: number }) => b.start_time * 1000;

let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('GET', USAGE, bucketReport(usageBuckets, { startOf, window, envelope: { object: 'page' } }));
  server.route('GET', COSTS, bucketReport(costBuckets, { startOf, window, envelope: { object: 'page' } }));
});
afterAll(() => server.close());

function make(clock = fakeClock()) {
  const r = createOpenaiAdminConnector(
    sourceConfig('openai', {
      token_env: 'OPENAI_ADMIN_KEY',
      base_url: `${server.url}/v1`,
      since: '2026-07-01',
      page_size: 4,
    }),
    { env: { OPENAI_ADMIN_KEY: KEY }, now: () => NOW, clock, org: 'acme' },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const sums = (db: Db) =>
  db.query(
    `SELECT source, cost_basis, count(*) AS n, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
       sum(cache_write_tokens) AS cache_write, sum(output_tokens) AS output, sum(requests) AS requests,
       CAST(sum(cost) AS VARCHAR) AS cost
     FROM usage GROUP BY ALL ORDER BY source`,
  );

/** Expected from the inputs: uncached input = input − cached − cache-write. */
function expected() {
  const good = usageBuckets.flatMap((b) => b.results).filter((r) => typeof r.num_model_requests === 'number');
  return {
    n: good.length,
    input: good.reduce(
      (n, r) => n + r.input_tokens - r.input_cached_tokens - (r.input_cache_write_tokens ?? 0),
      0,
    ),
    cacheRead: good.reduce((n, r) => n + r.input_cached_tokens, 0),
    cacheWrite: good.reduce((n, r) => n + (r.input_cache_write_tokens ?? 0), 0),
    output: good.reduce((n, r) => n + r.output_tokens, 0),
    requests: good.reduce((n, r) => n + Number(r.num_model_requests), 0),
    billed: costBuckets
      .flatMap((b) => b.results)
      .reduce((s, r) => s.plus(new Decimal(String(r.amount.value))), new Decimal(0)),
  };
}

describe('OpenAI Admin connector', () => {
  it('syncs completions and costs with has_more pagination; input normalised to uncached', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    const s = await runSync(db, make());
    const calls = server.requests.slice(mark);
    expect(calls.map((r) => [r.path, r.query.get('page')])).toEqual([
      [USAGE, null],
      [USAGE, 'pg_4'],
      [COSTS, null],
      [COSTS, 'pg_4'],
    ]);
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(Object.fromEntries([...(calls[0]?.query ?? [])].filter(([k]) => k !== 'group_by[]'))).toEqual({
      start_time: String(DAY0),
      end_time: String(NOW / 1000),
      bucket_width: '1d',
      limit: '4',
    });
    expect(calls[0]?.query.getAll('group_by[]')).toEqual(['project_id', 'user_id', 'api_key_id', 'model']);
    expect(calls[2]?.query.getAll('group_by[]')).toEqual(['project_id', 'line_item']);
    expect(s.problems.map((p) => p.field)).toEqual(['data[1].results[2].num_model_requests']);
    const e = expected();
    expect(await sums(db)).toEqual([
      {
        source: 'openai-costs',
        cost_basis: 'billed',
        n: 2 * N,
        input: 0,
        cache_read: 0,
        cache_write: 0,
        output: 0,
        requests: 0,
        cost: e.billed.toFixed(10),
      },
      {
        source: 'openai-usage-completions',
        cost_basis: 'list_estimate',
        n: e.n,
        input: e.input,
        cache_read: e.cacheRead,
        cache_write: e.cacheWrite,
        output: e.output,
        requests: e.requests,
        cost: null,
      },
    ]);
    expect(await db.query('SELECT DISTINCT source, stream FROM usage ORDER BY ALL')).toEqual([
      { source: 'openai-costs', stream: 'openai:acme:proj_A' },
      { source: 'openai-usage-completions', stream: 'openai:acme:default' },
      { source: 'openai-usage-completions', stream: 'openai:acme:proj_A' },
    ]);
  });

  it('prices known models, leaves unknown ones unpriced, and the bill is the ledger total of its stream', async () => {
    const db = await memoryDb();
    await runSync(db, make());
    await finishIngest(db, new PriceBook([]));
    expect(
      await db.query(
        `SELECT model, count(*) FILTER (WHERE cost IS NULL) AS unpriced, count(*) AS n FROM usage
         WHERE source = 'openai-usage-completions' GROUP BY model ORDER BY model`,
      ),
    ).toEqual([
      { model: 'gpt-4.1-mini-2025-04-14', unpriced: 0, n: N },
      { model: 'gpt-unknown-77', unpriced: N, n: N },
    ]);
    const ledger = await db.query(
      `SELECT CAST(sum(cost) AS VARCHAR) AS cost, any_value(basis) AS basis FROM ledger WHERE stream = 'openai:acme:proj_A'`,
    );
    expect(ledger).toEqual([{ cost: expected().billed.toFixed(10), basis: 'billed' }]);
  });

  it('overlapping windows add nothing; 429 Retry-After, 5xx retried', async () => {
    const db = await memoryDb();
    await runSync(db, make());
    const before = await sums(db);
    server.script('GET', COSTS, { status: 429, headers: { 'retry-after': '12' } }, { status: 500 });
    const clock = fakeClock();
    const again = await runSync(db, make(clock), { since: new Date('2026-06-29T00:00:00Z') });
    expect(clock.waits[0]).toBe(12_000);
    expect(again.retries).toBe(2);
    expect(again.alreadyStored).toBe(again.records);
    expect(await sums(db)).toEqual(before);
  });

  it('malformed JSON stops the sync with an upstream error; resuming completes it', async () => {
    const full = await memoryDb();
    await runSync(full, make());
    const db = await memoryDb();
    server.script('GET', COSTS, { text: 'not json at all' });
    const error = await runSync(db, make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MileageError);
    expect((error as Error).message).toContain('/v1/organization/costs: the response is not valid JSON');
    expect((await readCursor(db, 'openai')).run?.pages).toBe(2);
    await runSync(db, make());
    expect(await storedSpend(db)).toEqual(await storedSpend(full));
  });

  it.each([1, 3])('killed after page %i and resumed: the same facts as an uninterrupted sync', async (k) => {
    const r = await killAndResume(() => make(), k, storedSpend);
    expect(r.partial.length).toBeLessThan(r.expected.length);
    expect(r.after).toEqual(r.expected);
    expect(r.metaText).not.toContain(KEY);
  });
});
