/**
 * `mileage prices explain` end to end: the built CLI on a store filled by its own ingest commands, each
 * figure checked against the cost computed here by hand from Anthropic's published price list, and the
 * upgrade of a store written at an old schema version saying which history needs a re-ingest.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../src/domain/ids.js';
import { usd, type Usd } from '../../src/domain/money.js';
import type { DayExplanation } from '../../src/pricing/explain-day.js';
import type { RecordExplanation } from '../../src/pricing/explain.js';
import { MIGRATIONS } from '../../src/store/duckdb/schema.js';
import { mileage } from './cli.js';

const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

/**
 * Anthropic's published prices, platform.claude.com/docs/en/about-claude/pricing (read 2026-12-07), USD per
 * million tokens: Claude Sonnet 4 and 4.5 input 3, 5-minute cache write 3.75, 1-hour cache write 6, cache
 * read 0.30, output 15; Sonnet 4.5 above 200k input tokens input 6, 5m write 7.50, 1h write 12, read 0.60,
 * output 22.50. Web search $10 per 1,000 searches; web fetch "no additional charges beyond standard token
 * costs" (docs/en/agents-and-tools/tool-use/web-fetch-tool); code execution per container-hour.
 */
const SONNET = { input: '3', write5m: '3.75', write1h: '6', read: '0.3', output: '15' } as const;
const SONNET_LONG = { input: '6', write5m: '7.5', write1h: '12', read: '0.6', output: '22.5' } as const;
const WEB_SEARCH_PER_K = '10';

const perM = (tokens: number, price: string): Usd => usd(tokens).times(price).dividedBy(1_000_000);
const perK = (uses: number, price: string): Usd => usd(uses).times(price).dividedBy(1_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mileage-explain-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(cwd: string, args: string[]) {
  const r = await mileage([...args, '--db', 'store.duckdb'], { cwd });
  return r;
}

async function json<T>(cwd: string, args: string[]): Promise<T> {
  const r = await run(cwd, [...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const amountOf = (lines: RecordExplanation['lines'], dimension: string) =>
  lines.find((l) => l.dimension === dimension);

describe('prices explain on the Anthropic usage report’s documented row', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(dir, 'report-'));
    const r = await run(cwd, [
      'ingest',
      'anthropic-usage',
      fixture('pricing/anthropic-usage-report-documented.json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
  });

  // 1,500 uncached input, 200 cache read, 500 5-minute and 1,000 1-hour cache writes, 500 output, 10 searches.
  const expected = perM(1500, SONNET.input)
    .plus(perM(200, SONNET.read))
    .plus(perM(500, SONNET.write5m))
    .plus(perM(1000, SONNET.write1h))
    .plus(perM(500, SONNET.output))
    .plus(perK(10, WEB_SEARCH_PER_K));

  it('the model-day: every dimension at its published price, the total exact', async () => {
    const day = await json<DayExplanation>(cwd, [
      'prices',
      'explain',
      '--model',
      'claude-sonnet-4-20250514',
      '--day',
      '2025-08-01',
    ]);
    expect(expected.toFixed()).toBe('0.119935');
    expect(day.records).toBe(1);
    expect(day.listEstimate).toBe(expected.toFixed());
    const [group] = day.groups;
    expect(group?.listEstimate).toBe(expected.toFixed());
    expect(group?.price?.source).toMatch(/^price library genai-prices \d/);
    const lines = group?.lines ?? [];
    expect(amountOf(lines, 'cache write 1h')).toMatchObject({
      quantity: 1000,
      unitPrice: SONNET.write1h,
      amount: perM(1000, SONNET.write1h).toFixed(),
    });
    expect(amountOf(lines, 'cache write 5m')).toMatchObject({ quantity: 500, unitPrice: SONNET.write5m });
    expect(amountOf(lines, 'web search')).toMatchObject({
      quantity: 10,
      unitPrice: WEB_SEARCH_PER_K,
      per: '1,000',
      amount: '0.1',
    });
    expect(group?.arithmetic.at(-1)).toBe(`total = $${expected.toFixed()}`);
  });

  it('one record by id: the same lines, and the stored cost agrees', async () => {
    const day = await json<DayExplanation>(cwd, [
      'prices',
      'explain',
      '--model',
      'claude-sonnet-4-20250514',
      '--day',
      '2025-08-01',
    ]);
    const top = day.top[0];
    expect(top).toBeDefined();
    const record = await json<RecordExplanation>(cwd, ['prices', 'explain', top!.id]);
    expect(record.listEstimate).toBe(expected.toFixed());
    expect(record.stored).toMatchObject({ basis: 'list_estimate', cost: expected.toFixed() });
    expect(record.stale).toBe(false);
    expect(record.lines.find((l) => l.dimension === 'context tier')?.quantity).toBe('base');

    const text = await run(cwd, ['prices', 'explain', top!.id]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('cache write 1h: 1,000 × $6 ÷ 1,000,000 = $0.006');
    expect(text.stdout).toContain('web search: 10 × $10 ÷ 1,000 = $0.1');
    expect(text.stdout).toContain('total = $0.119935');
  });

  it('an org multiplier from mileage.yaml shows as its own factor, with its source', async () => {
    const other = await mkdtemp(join(dir, 'multiplier-'));
    const patched = JSON.parse(
      await readFile(fixture('pricing/anthropic-usage-report-documented.json'), 'utf8'),
    ) as { data: { results: Record<string, unknown>[] }[] };
    patched.data[0]!.results[0]!.service_tier = 'priority';
    await writeFile(join(other, 'page.json'), JSON.stringify(patched));
    expect((await run(other, ['ingest', 'anthropic-usage', 'page.json'])).code).toBe(0);
    const args = ['prices', 'explain', '--model', 'claude-sonnet-4-20250514', '--day', '2025-08-01'];

    const unpriced = await json<DayExplanation>(other, args);
    expect(unpriced.listEstimate).toBe('0');
    expect(unpriced.unpricedRecords).toBe(1);
    expect(unpriced.groups[0]?.unpriced.join(' ')).toMatch(/serviceTier priority: no price for it/);

    await writeFile(
      join(other, 'mileage.yaml'),
      'org: acme\nprice_multipliers:\n  - provider: anthropic\n    service_tier: priority\n    factor: 1.25\n',
    );
    const priced = await json<DayExplanation>(other, args);
    const group = priced.groups[0];
    expect(group?.factors).toEqual([
      {
        dimension: 'serviceTier',
        value: 'priority',
        factor: '1.25',
        source: 'mileage.yaml price_multipliers[0]',
      },
    ]);
    expect(group?.subtotal).toBe(expected.toFixed());
    expect(priced.listEstimate).toBe(expected.times('1.25').toFixed());
    expect(group?.arithmetic).toContain(
      `× 1.25 (serviceTier priority) = $${expected.times('1.25').toFixed()}`,
    );
  });
});

describe('prices explain on a Claude Code transcript: 1-hour writes, server tools, long context', () => {
  let cwd: string;
  let day: DayExplanation;
  beforeAll(async () => {
    cwd = await mkdtemp(join(dir, 'claude-'));
    const r = await run(cwd, ['ingest', 'claude-code', fixture('claude-code/server-tools')]);
    expect(r.code, r.stderr).toBe(0);
    day = await json<DayExplanation>(cwd, [
      'prices',
      'explain',
      '--model',
      'claude-sonnet-4-5-20250929',
      '--day',
      '2026-07-02',
    ]);
  });

  // Request A: 1,200 input, 80,000 read, 10,000 5m and 20,000 1h writes, 2,500 output, 2 searches, 3 fetches,
  // 1 code execution. Request B: 5,000 + 210,000 + 4,000 = 219,000 input tokens > 200,000: the long tier.
  const requestA = perM(1200, SONNET.input)
    .plus(perM(80_000, SONNET.read))
    .plus(perM(10_000, SONNET.write5m))
    .plus(perM(20_000, SONNET.write1h))
    .plus(perM(2500, SONNET.output))
    .plus(perK(2, WEB_SEARCH_PER_K));
  const requestB = perM(5000, SONNET_LONG.input)
    .plus(perM(210_000, SONNET_LONG.read))
    .plus(perM(4000, SONNET_LONG.write5m))
    .plus(perM(1000, SONNET_LONG.output));

  it('totals the model-day exactly as the price list gives it', () => {
    expect(day.records).toBe(2);
    expect(day.listEstimate).toBe(requestA.plus(requestB).toFixed());
    expect(day.storedByBasis).toEqual([
      { basis: 'list_estimate', records: 2, cost: requestA.plus(requestB).toFixed(), unpriced: 0 },
    ]);
  });

  it('web fetch at $0 with its published source; code execution shown, not priced per record', () => {
    const a = day.groups.find((g) => g.tier === 'base');
    expect(a?.listEstimate).toBe(requestA.toFixed());
    const fetch = amountOf(a?.lines ?? [], 'web fetch');
    expect(fetch).toMatchObject({ quantity: 3, amount: '0', status: 'priced' });
    expect(fetch?.source).toMatch(/published by the provider: anthropic web fetch/);
    const code = amountOf(a?.lines ?? [], 'code execution');
    expect(code).toMatchObject({ quantity: 1, amount: null, status: 'not priced per record' });
    expect(code?.source).toMatch(/container-hour/);
    expect(a?.unpriced).toEqual([]);
  });

  it('the long-context tier decided on the request, with the reason', () => {
    const b = day.groups.find((g) => g.tier === 'long');
    expect(b?.listEstimate).toBe(requestB.toFixed());
    expect(b?.tierReason).toMatch(/219000 tokens, is above 200000/);
    expect(amountOf(b?.lines ?? [], 'output')).toMatchObject({ unitPrice: SONNET_LONG.output });
  });
});

describe('prices explain: clear errors', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(dir, 'errors-'));
    expect(
      (
        await run(cwd, [
          'ingest',
          'anthropic-usage',
          fixture('pricing/anthropic-usage-report-documented.json'),
        ])
      ).code,
    ).toBe(0);
  });

  it.each([
    [['prices', 'explain', 'no-such-id'], 'no usage record with id "no-such-id"'],
    [
      ['prices', 'explain', '--model', 'claude-sonet-4-20250514', '--day', '2025-08-01'],
      'similar names: claude-sonnet-4-20250514',
    ],
    [
      ['prices', 'explain', '--model', 'claude-sonnet-4-20250514', '--day', '2025-09-01'],
      'has records from 2025-08-01 to 2025-08-01',
    ],
    [['prices', 'explain', '--model', 'claude-sonnet-4-20250514'], 'needs a record id, or --model and --day'],
    [['prices', 'explain', '--model', 'x', '--day', '2025-13-40'], '--day expects a day as YYYY-MM-DD'],
  ])('%j', async (args, message) => {
    const r = await run(cwd, args);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});

/** A store as Mileage left it before migration 8 (schema 1–7), with rows of sources that report more. */
async function writeOldStore(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
  );
  for (const m of MIGRATIONS.filter((x) => x.version <= 7)) {
    await conn.run(m.sql);
    await conn.run(`INSERT INTO schema_migrations VALUES (${m.version}, 'old', now())`);
  }
  const rows: [string, string, number][] = [
    ['claude-code-logs', 'old-request', 1820],
    ['openai-usage-completions', 'old-day', 0],
    ['codex-logs', 'old-turn', 0],
  ];
  for (const [source, key, cacheWrite] of rows) {
    await conn.run(`INSERT INTO usage (id, source, granularity, start_at, end_at, day, provider, model,
      input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, requests, cost, cost_basis, price_ref)
      VALUES ('${recordId(source, key)}', '${source}', 'request', '2026-07-02T10:00:00Z', '2026-07-02T10:00:00Z',
        '2026-07-02', 'anthropic', 'claude-sonnet-4-6', 10, 100, ${cacheWrite}, 20, 0, 1, NULL, 'list_estimate', NULL)`);
  }
  conn.closeSync();
  instance.closeSync();
}

describe('a store written at schema 7: the upgrade says which history needs a re-ingest', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(dir, 'old-'));
    await writeOldStore(join(cwd, 'store.duckdb'));
  });

  it('on the first open: the upgrade and each source’s gap, on stderr, with what to run', async () => {
    const r = await run(cwd, ['prices', 'check']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/upgraded the store .*store\.duckdb \(schema migrations 8(, \d+)*\)/);
    expect(r.stderr).toContain(
      'claude-code-logs: 1 record(s), 2026-07-02, lack cache write 1h, server tools',
    );
    expect(r.stderr).toContain(
      'openai-usage-completions: 1 record(s), 2026-07-02, lack audio, batch, service tier',
    );
    expect(r.stderr).toContain('transcripts still on disk are read again by the next `mileage ingest`');
    expect(r.stderr).not.toContain('codex-logs');
  });

  it('afterwards `prices check` still lists the gaps (stdout, and --json), without the upgrade note', async () => {
    const r = await run(cwd, ['prices', 'check']);
    expect(r.stderr).not.toContain('upgraded the store');
    expect(r.stdout).toContain(
      'claude-code-logs: 1 record(s), 2026-07-02, lack cache write 1h, server tools',
    );
    const j = await json<{ reingest: { source: string; missing: string[] }[] }>(cwd, ['prices', 'check']);
    expect(j.reingest.map((g) => [g.source, g.missing])).toEqual([
      ['claude-code-logs', ['cache write 1h', 'server tools']],
      ['openai-usage-completions', ['audio', 'batch', 'service tier']],
    ]);
  });

  it('explaining an old record names what it does not know, and prices what it does', async () => {
    const id = recordId('claude-code-logs', 'old-request');
    const e = await json<RecordExplanation>(cwd, ['prices', 'explain', id]);
    expect(e.unknown).toEqual(['cache write 1h', 'server tools']);
    expect(e.lines.find((l) => l.dimension === 'cache write 1h')?.status).toBe('unknown');
    // What the row holds, priced at Claude Sonnet 4.6's list (same figures as Sonnet 4.5's base tier).
    const known = perM(10, SONNET.input)
      .plus(perM(100, SONNET.read))
      .plus(perM(1820, SONNET.write5m))
      .plus(perM(20, SONNET.output));
    expect(e.listEstimate).toBe(known.toFixed());
    const text = await run(cwd, ['prices', 'explain', id]);
    expect(text.stdout).toContain('not known: cache write 1h');
  });
});

describe('prices explain on real Claude Code transcripts (test/fixtures/real, origin in its ORIGIN.md)', () => {
  /** Per day and model, computed by test/fixtures/real/truth.py from the samples and the published prices, without Mileage code. */
  const truth = JSON.parse(readFileSync(fixture('real/truth.json'), 'utf8')) as Record<
    string,
    { day: string; model: string; requests: number; cacheWrite1h: number; cost: string }[]
  >;

  it.each(['claude-code/5m', 'claude-code/1h'])(
    '%s: the model-day’s total is the independent truth',
    async (sample) => {
      const cwd = await mkdtemp(join(dir, 'real-'));
      expect((await run(cwd, ['ingest', 'claude-code', fixture(`real/${sample}`)])).code).toBe(0);
      for (const t of truth[sample] ?? []) {
        const day = await json<DayExplanation>(cwd, [
          'prices',
          'explain',
          '--model',
          t.model,
          '--day',
          t.day,
        ]);
        expect(day.records).toBe(t.requests);
        expect(usd(day.listEstimate).equals(usd(t.cost))).toBe(true);
        const oneHour = day.groups.flatMap((g) => g.lines).filter((l) => l.dimension === 'cache write 1h');
        expect(oneHour.reduce((n, l) => n + Number(l.quantity), 0)).toBe(t.cacheWrite1h);
      }
    },
  );
});
