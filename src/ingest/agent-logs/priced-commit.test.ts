import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClaudeCorpus } from '../../../bench/corpus/claude-code.js';
import { usd } from '../../domain/money.js';
import type { PriceOverride } from '../../domain/prices.js';
import { PriceBook } from '../../pricing/price-book.js';
import { claudeCodeLogSource } from '../../sources/spend/claude-code/parse.js';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import { pricingPass } from '../pricing-pass.js';
import { ingestAgentLogs } from './ingest.js';

/**
 * Requests are written priced by the agent-log commit (store/duckdb/price-rates.ts: 64-bit integer SQL) and
 * must carry, to the last digit, what the pricing pass (DECIMAL SQL) and the price book (decimal.js) give.
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-priced-commit-'));
const corpus = join(root, 'projects');

/** A fine-tuned model priced by an override with awkward decimals: rounding is exercised on every request. */
const ODD: PriceOverride = {
  kind: 'model_price',
  provider: null,
  model: 'acme-odd-1',
  prices: {
    inputMtok: usd('3.0000123457'),
    outputMtok: usd('15.0000000049'),
    cacheReadMtok: usd('0.3000000005'),
    cacheWriteMtok: usd('3.7500000015'),
  },
  from: null,
  until: null,
};
const book = new PriceBook([ODD]);

/** A seeded generator: many digits in every token count, some requests above the 200k long-context tier. */
function* randomRequests(
  seed: number,
): Generator<{ input: number; read: number; write: number; out: number }> {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  for (;;) {
    const long = next(5) === 0;
    yield {
      input: next(long ? 150_000 : 40_000) + 1,
      read: next(long ? 300_000 : 90_000),
      write: next(20_000),
      out: next(30_000) + 1,
    };
  }
}

function assistantLine(
  i: number,
  model: string,
  at: string,
  t: ReturnType<typeof randomRequests> extends Generator<infer T> ? T : never,
  costUSD?: number,
) {
  return JSON.stringify({
    type: 'assistant',
    sessionId: 'sess-priced',
    requestId: `req_${i}`,
    timestamp: at,
    ...(costUSD === undefined ? {} : { costUSD }),
    message: {
      id: `msg_${i}`,
      model,
      usage: {
        input_tokens: t.input,
        cache_read_input_tokens: t.read,
        cache_creation_input_tokens: t.write,
        output_tokens: t.out,
      },
    },
  });
}

let db: Db;

beforeAll(async () => {
  writeClaudeCorpus(corpus, {
    seed: 5,
    sessions: 30,
    assistantLines: 30 * 40,
    start: '2026-09-01',
    days: 5,
    damageRate: 0,
  });
  // Models and days the generator does not cover: a long-context tier in force (Sonnet 4.6 before
  // 2026-03-13), the odd override, a model no price list knows, and a request with no tokens at all.
  const requests = randomRequests(7);
  const lines: string[] = [];
  const models = ['claude-sonnet-4-6', 'claude-sonnet-4-5', 'acme-odd-1', 'acme-unknown-9'];
  for (let i = 0; i < 400; i++) {
    const model = models[i % models.length] as string;
    const t = requests.next().value as { input: number; read: number; write: number; out: number };
    lines.push(assistantLine(i, model, `2026-03-12T10:${String(i % 60).padStart(2, '0')}:00.000Z`, t));
  }
  lines.push(
    assistantLine(900, 'acme-odd-1', '2026-03-12T11:00:00.000Z', { input: 0, read: 0, write: 0, out: 0 }),
  );
  lines.push(
    assistantLine(
      901,
      'claude-sonnet-4-6',
      '2026-03-12T11:01:00.000Z',
      { input: 10, read: 0, write: 0, out: 20 },
      0.25,
    ),
  );
  const dir = join(corpus, '-home-dev-src-priced');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'priced-session.jsonl'), lines.join('\n') + '\n');

  db = await openStore(join(root, 'store.duckdb'));
  const summary = await ingestAgentLogs(db, claudeCodeLogSource, [corpus], { prices: book });
  expect(summary.bulk).toBe(summary.files); // every file took the bulk path, so its SQL is what is tested
});

afterAll(async () => {
  await db.close();
  rmSync(root, { recursive: true, force: true });
});

interface Priced {
  id: string;
  model: string;
  start: string;
  input: number;
  read: number;
  write: number;
  out: number;
  cost: string | null;
  est: string | null;
  ref: string | null;
  basis: string;
}

const priced = () =>
  db.query<Priced & Record<string, string | number | null>>(
    `SELECT id, model, strftime(start_at, '%Y-%m-%dT%H:%M:%S.%fZ') AS start, input_tokens AS input,
       cache_read_tokens AS read, cache_write_tokens AS write, output_tokens AS out,
       CAST(cost AS VARCHAR) AS cost, CAST(est_cost AS VARCHAR) AS est, price_ref AS ref, cost_basis AS basis
     FROM usage ORDER BY id`,
  );

describe('requests written priced by the agent-log commit', () => {
  it('carry the price book’s estimate of each request to the tenth decimal, tiers included', async () => {
    const rows = await priced();
    const known = rows.filter((r) => r.model !== 'acme-unknown-9' && Number(r.input) + Number(r.out) > 0);
    expect(known.length).toBeGreaterThan(800);
    let long = 0;
    for (const r of known) {
      const tokens = {
        input: Number(r.input),
        cacheRead: Number(r.read),
        cacheWrite: Number(r.write),
        output: Number(r.out),
        reasoning: 0,
      };
      if (tokens.input + tokens.cacheRead + tokens.cacheWrite > 200_000) long += 1;
      const expected = book.estimate('anthropic', r.model, new Date(r.start), tokens).amount;
      expect(expected).not.toBeNull();
      expect(r.est, `${r.model} ${JSON.stringify(tokens)}`).toBe(
        new Decimal(expected?.toString() ?? '0').toDecimalPlaces(10, Decimal.ROUND_HALF_UP).toFixed(10),
      );
    }
    expect(long).toBeGreaterThan(10);
  });

  it('keeps a reported cost and its basis, and leaves an unknown model unpriced, never $0', async () => {
    const rows = await priced();
    const reported = rows.find(
      (r) => r.id && r.basis === 'provider_reported' && r.model === 'claude-sonnet-4-6',
    );
    expect(reported?.cost).toBe('0.2500000000');
    expect(reported?.ref).toBe('claude-code-costUSD');
    expect(reported?.est).not.toBeNull();
    const unknown = rows.filter((r) => r.model === 'acme-unknown-9');
    expect(unknown.length).toBe(100);
    for (const r of unknown)
      expect([r.cost, r.est, r.ref, r.basis]).toEqual([null, null, null, 'list_estimate']);
    const listed = rows.filter((r) => r.basis === 'list_estimate' && r.model !== 'acme-unknown-9');
    for (const r of listed) {
      expect(r.cost).toBe(r.est);
      expect(r.ref).not.toBeNull();
    }
  });

  it('leave the pricing pass nothing to price, and equal what the pass writes when it prices everything', async () => {
    const before = await priced();
    const pass = await pricingPass(db, book);
    expect(pass.priced).toBe(0);
    expect(pass.unpricedModels).toBe(1); // acme-unknown-9
    await pricingPass(db, book, true);
    expect(await priced()).toEqual(before);
  });
});
