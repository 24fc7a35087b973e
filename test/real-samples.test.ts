/**
 * Issue 18's bar on real data: agent logs committed in public repositories (test/fixtures/real, origin and
 * licence in ORIGIN.md), ingested as a user would (the agent-log ingest into a real DuckDB store, then the
 * pricing pass with the bundled price library), must give per UTC day and model the samples' own token
 * counts exactly and the cost computed independently from the providers' published price lists within 0.1%.
 * The truth (truth.json) is written by truth.py from the raw samples and PRICES.md, without Mileage's code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { usd } from '../src/domain/money.js';
import { ingestAgentLogs } from '../src/ingest/agent-logs/ingest.js';
import type { LogSource } from '../src/sources/spend/log-parser.js';
import { pricingPass } from '../src/ingest/pricing-pass.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { claudeCodeLogSource } from '../src/sources/spend/claude-code/parse.js';
import { codexLogSource } from '../src/sources/spend/codex/index.js';
import { geminiLogSource } from '../src/sources/spend/gemini/index.js';
import { memoryDb } from './support/apis.js';

interface TruthRow {
  day: string;
  model: string;
  requests: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
  output: number;
  reasoning: number;
  cost: string;
}

const REAL = new URL('fixtures/real/', import.meta.url);
const truth = JSON.parse(readFileSync(new URL('truth.json', REAL), 'utf8')) as Record<string, TruthRow[]>;

/** Per UTC day and model, what Mileage counts and what it costs (the store's pricing, as text). */
async function measured(source: LogSource<unknown>, dir: string, exactOnly: boolean) {
  const db = await memoryDb();
  try {
    const summary = await ingestAgentLogs(db, source, [fileURLToPath(new URL(dir, REAL))], { exactOnly });
    expect(summary.problems).toEqual([]);
    await pricingPass(db, new PriceBook([], []), true);
    return await db.query(
      `SELECT strftime(start_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS day, model,
         sum(requests)::INTEGER AS requests, sum(input_tokens)::INTEGER AS input,
         sum(cache_read_tokens)::INTEGER AS cacheRead, sum(cache_write_tokens)::INTEGER AS cacheWrite,
         sum(cache_write_1h_tokens)::INTEGER AS cacheWrite1h, sum(output_tokens)::INTEGER AS output,
         sum(reasoning_tokens)::INTEGER AS reasoning, CAST(sum(cost) AS VARCHAR) AS cost,
         count(*) FILTER (WHERE cost IS NULL)::INTEGER AS unpriced
       FROM usage WHERE counted GROUP BY 1, 2 ORDER BY 1, 2`,
    );
  } finally {
    await db.close();
  }
}

const SAMPLES: { name: string; source: LogSource<unknown>; dir: string }[] = [
  { name: 'claude-code/5m', source: claudeCodeLogSource as LogSource<unknown>, dir: 'claude-code/5m/' },
  { name: 'claude-code/1h', source: claudeCodeLogSource as LogSource<unknown>, dir: 'claude-code/1h/' },
  { name: 'codex', source: codexLogSource as LogSource<unknown>, dir: 'codex/' },
  { name: 'gemini/2.5-pro', source: geminiLogSource as LogSource<unknown>, dir: 'gemini/2.5-pro/' },
  { name: 'gemini/3.1-pro', source: geminiLogSource as LogSource<unknown>, dir: 'gemini/3.1-pro/' },
];

describe('real samples: tokens by kind equal the samples, cost within 0.1% of the published price list', () => {
  for (const s of SAMPLES)
    for (const exactOnly of s.source === claudeCodeLogSource ? [true, false] : [true])
      it(`${s.name}${s.source === claudeCodeLogSource ? (exactOnly ? ' (exact parser)' : ' (bulk reader)') : ''}`, async () => {
        const rows = await measured(s.source, s.dir, exactOnly);
        const expected = truth[s.name] ?? [];
        expect(expected.length).toBeGreaterThan(0);
        // Tokens by kind and requests exactly; every row priced.
        expect(rows.map(({ cost: _cost, ...tokens }) => tokens)).toEqual(
          expected.map(({ cost: _cost, ...tokens }) => ({ ...tokens, unpriced: 0 })),
        );
        for (const [i, row] of rows.entries()) {
          const want = usd(expected[i]?.cost ?? 'NaN');
          const diff = usd(String(row.cost)).minus(want).abs().dividedBy(want);
          expect(
            diff.toNumber(),
            `${String(row.day)} ${String(row.model)}: ${String(row.cost)} vs ${want.toString()}`,
          ).toBeLessThanOrEqual(0.001);
        }
      });
});
