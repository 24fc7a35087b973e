/**
 * The source × dimension table (docs/how-numbers-are-computed.md) is the rendering of two tables in code: which dimensions each source
 * reads (src/sources/dimensions.ts) and which Mileage prices (src/pricing/dimension-pricing.ts). This test
 * fails when the document drifts from them, printing the table to paste; and it holds the sources' table to
 * the parsers on real documented samples, so neither can claim what a parser does not do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BILLED_DIMENSION_NAMES,
  BILLED_DIMENSIONS,
  type BilledDimension,
} from '../src/domain/billed-dimensions.js';
import type { UsageRecord } from '../src/domain/usage.js';
import { DIMENSION_PRICING } from '../src/pricing/dimension-pricing.js';
import { SOURCE_DIMENSIONS } from '../src/sources/dimensions.js';
import { parseAnthropicUsageReport } from '../src/sources/spend/anthropic-admin/parse.js';
import { parseClaudeCodeLog } from '../src/sources/spend/claude-code/parse.js';
import { parseOpenAiCompletions } from '../src/sources/spend/openai-admin/parse.js';

const START =
  '<!-- source-dimensions:start (generated from src/sources/dimensions.ts and src/pricing/dimension-pricing.ts; test/readme-dimensions.test.ts checks it) -->';
const END = '<!-- source-dimensions:end -->';

function cell(source: keyof typeof SOURCE_DIMENSIONS, d: BilledDimension): string {
  const reads = (SOURCE_DIMENSIONS[source].reads as readonly BilledDimension[]).includes(d);
  if (!reads) return '—';
  return DIMENSION_PRICING[d].priced ? 'priced' : 'read';
}

function renderSourceDimensionTable(): string {
  const header = ['Source', ...BILLED_DIMENSION_NAMES.map((d) => BILLED_DIMENSIONS[d]), 'Cost'];
  const rows = (Object.keys(SOURCE_DIMENSIONS) as (keyof typeof SOURCE_DIMENSIONS)[]).map((s) => [
    `\`${s}\` ${SOURCE_DIMENSIONS[s].label}`,
    ...BILLED_DIMENSION_NAMES.map((d) => cell(s, d)),
    SOURCE_DIMENSIONS[s].cost,
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const how = BILLED_DIMENSION_NAMES.map((d) => `- *${BILLED_DIMENSIONS[d]}*: ${DIMENSION_PRICING[d].how}`);
  return [
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
    '`priced`: read and in the list estimate; `read`: read, not priced apart; `—`: not reported by the source.',
    'How each dimension is priced:',
    '',
    ...how,
  ].join('\n');
}

describe('docs: the source × dimension table', () => {
  it('is the rendering of the tables in code', () => {
    const readme = readFileSync(new URL('../docs/how-numbers-are-computed.md', import.meta.url), 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, `docs/how-numbers-are-computed.md lacks the marker ${START}`).toBeGreaterThanOrEqual(0);
    const block = readme.slice(start + START.length, end).trim();
    expect(block, `paste between the markers:\n${renderSourceDimensionTable()}`).toBe(
      renderSourceDimensionTable(),
    );
  });
});

/** The dimensions a record carries (non-zero counts, stated billing values). */
function dimensionsOf(r: UsageRecord): BilledDimension[] {
  const t = r.tokens;
  const out: BilledDimension[] = [];
  const has = (d: BilledDimension, v: unknown) => {
    if (v !== undefined && v !== 0 && v !== null) out.push(d);
  };
  has('input', t.input);
  has('output', t.output);
  has('cacheRead', t.cacheRead);
  has('cacheWrite5m', t.cacheWrite - (t.cacheWrite1h ?? 0));
  has('cacheWrite1h', t.cacheWrite1h);
  has('reasoning', t.reasoning);
  has('audioInput', t.audioInput);
  has('audioOutput', t.audioOutput);
  has('webSearch', r.serverTools?.webSearch);
  has('webFetch', r.serverTools?.webFetch);
  has('codeExecution', r.serverTools?.codeExecution);
  has('serviceTier', r.billing?.serviceTier);
  has('batch', r.billing?.batch);
  has('contextTier', r.billing?.contextTier);
  has('geo', r.billing?.geo);
  has('speed', r.billing?.speed);
  return out;
}

const fixture = (path: string) => readFileSync(new URL(`fixtures/${path}`, import.meta.url), 'utf8');

describe('the sources’ table holds for their parsers', () => {
  it('Anthropic usage report (its documented row, with every field it can carry set)', () => {
    const page = JSON.parse(fixture('pricing/anthropic-usage-report-documented.json')) as {
      data: { results: Record<string, unknown>[] }[];
    };
    Object.assign(page.data[0]!.results[0]!, {
      server_tool_use: { web_search_requests: 10, web_fetch_requests: 2, code_execution_requests: 1 },
      inference_geo: 'us',
      speed: 'fast',
      service_tier: 'batch',
    });
    const [record] = parseAnthropicUsageReport(page, { file: 'documented', org: 'acme' }).records;
    expect(dimensionsOf(record!).sort()).toEqual(
      [...SOURCE_DIMENSIONS['anthropic-usage-report'].reads].sort(),
    );
  });

  it('Claude Code transcripts (the server-tools sample; every dimension it reads but tiers and speed)', () => {
    const records = parseClaudeCodeLog(
      fixture('claude-code/server-tools/7c2e0d9a-1b4f-4e7e-9a51-0c3d2b1a9f00.jsonl'),
      't.jsonl',
    ).records;
    const seen = new Set(records.flatMap(dimensionsOf));
    const reads = new Set<BilledDimension>(SOURCE_DIMENSIONS['claude-code-logs'].reads);
    for (const d of seen) expect(reads.has(d), d).toBe(true);
    for (const d of ['cacheWrite1h', 'webSearch', 'webFetch', 'codeExecution', 'serviceTier'] as const)
      expect(seen.has(d), d).toBe(true);
  });

  it('OpenAI usage (its documented row, with audio, batch and a service tier)', () => {
    const page = JSON.parse(fixture('pricing/openai-usage-completions-documented.json')) as {
      data: { results: Record<string, unknown>[] }[];
    };
    Object.assign(page.data[0]!.results[0]!, {
      input_audio_tokens: 30,
      output_audio_tokens: 20,
      input_cache_write_tokens: 100,
      batch: true,
      service_tier: 'flex',
    });
    const [record] = parseOpenAiCompletions(page, { file: 'documented', org: 'acme' }).records;
    expect(dimensionsOf(record!).sort()).toEqual(
      [...SOURCE_DIMENSIONS['openai-usage-completions'].reads].sort(),
    );
  });
});
