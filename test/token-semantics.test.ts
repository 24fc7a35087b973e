/**
 * One request, every path: the same request as each source writes it (agent log files, OTLP logs and spans,
 * vendor usage APIs, proxy rows, bulk files) must give the same token split, server tools and billing
 * dimensions. Each case is one request, given in each convention family (Anthropic, OpenAI, Gemini, OTel
 * GenAI); each path of that family is run through its real parser (or the store's reader for bulk files), and
 * all must equal the case's expected split. Paths covered: Claude Code transcript and OTel event, Anthropic
 * usage report; OpenAI usage report (audio included), Codex rollout and OTel event; Gemini CLI chat file and
 * OTel event; OTLP GenAI spans (generic, Copilot's `github` provider with its billing units), Copilot CLI's
 * file export and session-state events; LiteLLM spend rows; usage CSV and JSONL files; FOCUS files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TokenCounts, UsageRecord } from '../src/domain/usage.js';
import { decodeLogs } from '../src/otlp/logs.js';
import { decodeSpans } from '../src/otlp/spans.js';
import { parseAnthropicUsageReport } from '../src/sources/spend/anthropic-admin/parse.js';
import { parseClaudeCodeLog } from '../src/sources/spend/claude-code/parse.js';
import { parseCodexLog } from '../src/sources/spend/codex/parse.js';
import { parseCopilotCliLog } from '../src/sources/spend/copilot-cli/parse.js';
import { parseGeminiLog } from '../src/sources/spend/gemini/parse.js';
import { parseSpendLogs } from '../src/sources/spend/litellm/parse.js';
import { parseOpenAiCompletions } from '../src/sources/spend/openai-admin/parse.js';
import type { Db } from '../src/store/db.js';
import { openStore } from '../src/store/open.js';

const AT = '2026-07-02T10:00:00.000Z';
const NANOS = `${Date.parse(AT)}000000`;

type Attr = string | number;
const kv = (attrs: Record<string, Attr>) =>
  Object.entries(attrs).map(([key, v]) => ({
    key,
    value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
  }));

function otlpLog(service: string, attrs: Record<string, Attr>): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: kv({ 'service.name': service }) },
        scopeLogs: [{ logRecords: [{ timeUnixNano: NANOS, attributes: kv(attrs) }] }],
      },
    ],
  };
}

function otlpSpan(attrs: Record<string, Attr>): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: kv({ 'service.name': 'some-app' }) },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                name: 'chat',
                startTimeUnixNano: NANOS,
                endTimeUnixNano: NANOS,
                attributes: kv(attrs),
              },
            ],
          },
        ],
      },
    ],
  };
}

const only = (records: readonly UsageRecord[], path: string): UsageRecord => {
  expect(records, path).toHaveLength(1);
  return records[0] as UsageRecord;
};

/** What must agree across paths: the split (subsets included), server tools and billing dimensions. */
const split = (r: UsageRecord) => ({
  tokens: r.tokens,
  serverTools: r.serverTools,
  speed: r.billing?.speed,
});

interface AnthropicCase {
  name: string;
  input: number;
  cacheRead: number;
  cache5m: number;
  cache1h: number;
  output: number;
  webSearch: number;
  expected: TokenCounts;
}

const anthropicCases: AnthropicCase[] = [
  {
    name: 'cache reads and 5-minute writes',
    input: 4,
    cacheRead: 45211,
    cache5m: 1820,
    cache1h: 0,
    output: 412,
    webSearch: 0,
    expected: { input: 4, cacheRead: 45211, cacheWrite: 1820, output: 412, reasoning: 0 },
  },
  {
    name: '1-hour writes beside 5-minute ones, and web searches',
    input: 10,
    cacheRead: 9000,
    cache5m: 300,
    cache1h: 5000,
    output: 80,
    webSearch: 3,
    expected: { input: 10, cacheRead: 9000, cacheWrite: 5300, cacheWrite1h: 5000, output: 80, reasoning: 0 },
  },
];

/** Each Anthropic-meaning path: Claude Code transcript, Admin usage report, LiteLLM row (OpenAI-shaped). */
const anthropicPaths: Record<string, (c: AnthropicCase) => UsageRecord> = {
  'claude-code transcript': (c) => {
    const line = {
      type: 'assistant',
      sessionId: 's1',
      requestId: 'req_1',
      timestamp: AT,
      message: {
        id: 'msg_1',
        model: 'claude-sonnet-4-6',
        usage: {
          input_tokens: c.input,
          cache_creation_input_tokens: c.cache5m + c.cache1h,
          cache_read_input_tokens: c.cacheRead,
          cache_creation: { ephemeral_5m_input_tokens: c.cache5m, ephemeral_1h_input_tokens: c.cache1h },
          output_tokens: c.output,
          server_tool_use: { web_search_requests: c.webSearch, web_fetch_requests: 0 },
          service_tier: 'standard',
        },
      },
    };
    return only(parseClaudeCodeLog(`${JSON.stringify(line)}\n`, 't.jsonl').records, 'claude-code');
  },
  'anthropic usage report': (c) => {
    const page = {
      data: [
        {
          starting_at: '2026-07-02T10:00:00Z',
          ending_at: '2026-07-02T10:01:00Z',
          results: [
            {
              model: 'claude-sonnet-4-6',
              uncached_input_tokens: c.input,
              cache_read_input_tokens: c.cacheRead,
              cache_creation: { ephemeral_5m_input_tokens: c.cache5m, ephemeral_1h_input_tokens: c.cache1h },
              output_tokens: c.output,
              server_tool_use: { web_search_requests: c.webSearch },
              service_tier: 'standard',
            },
          ],
        },
      ],
      has_more: false,
    };
    return only(parseAnthropicUsageReport(page, { file: 'usage', org: 'acme' }).records, 'usage report');
  },
};

describe('one request, every path: Anthropic meaning', () => {
  for (const c of anthropicCases)
    for (const [path, run] of Object.entries(anthropicPaths))
      it(`${c.name}: ${path}`, () => {
        expect(split(run(c))).toEqual({
          tokens: c.expected,
          serverTools: c.webSearch > 0 ? { webSearch: c.webSearch } : undefined,
          speed: undefined,
        });
      });

  it('Claude Code OTel event (no lifetime split: every write is 5-minute) agrees on the totals', () => {
    const c = anthropicCases[0] as AnthropicCase;
    const out = decodeLogs(
      otlpLog('claude-code', {
        'event.name': 'claude_code.api_request',
        request_id: 'req_1',
        model: 'claude-sonnet-4-6',
        input_tokens: c.input,
        cache_read_tokens: c.cacheRead,
        cache_creation_tokens: c.cache5m,
        output_tokens: c.output,
        speed: 'fast',
      }),
      'logs',
    );
    const r = only(out.records, 'claude-code-otel');
    expect(r.tokens).toEqual(c.expected);
    expect(r.billing?.speed).toBe('fast');
  });
});

interface GenAiCase {
  name: string;
  /** Raw GenAI / OpenAI counts: input and output inclusive. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  expected: TokenCounts;
}

const genAiCases: GenAiCase[] = [
  {
    name: 'inclusive input with cache reads and writes',
    input: 12000,
    cacheRead: 10000,
    cacheWrite: 1500,
    output: 400,
    reasoning: 120,
    expected: { input: 500, cacheRead: 10000, cacheWrite: 1500, output: 400, reasoning: 120 },
  },
  {
    name: 'input smaller than its cache tokens (an emitter in Anthropic meaning): kept whole, not clamped',
    input: 50,
    cacheRead: 30000,
    cacheWrite: 2000,
    output: 700,
    reasoning: 0,
    expected: { input: 50, cacheRead: 30000, cacheWrite: 2000, output: 700, reasoning: 0 },
  },
];

const genAiAttrs = (c: GenAiCase): Record<string, Attr> => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.response.model': 'claude-sonnet-4-5',
  'gen_ai.usage.input_tokens': c.input,
  'gen_ai.usage.cache_read.input_tokens': c.cacheRead,
  'gen_ai.usage.cache_write.input_tokens': c.cacheWrite,
  'gen_ai.usage.output_tokens': c.output,
  'gen_ai.usage.reasoning.output_tokens': c.reasoning,
});

const genAiPaths: Record<string, (c: GenAiCase) => UsageRecord> = {
  'OTLP receiver (spans)': (c) => only(decodeSpans(otlpSpan(genAiAttrs(c)), 'traces').records, 'otlp'),
  'Copilot CLI file export': (c) => {
    const line = {
      type: 'span',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'a1b2c3d4e5f60001',
      name: 'chat claude-sonnet-4.5',
      startTime: [1783000000, 0],
      endTime: [1783000001, 0],
      attributes: { ...genAiAttrs(c), 'gen_ai.conversation.id': 'c1' },
      resource: { attributes: { 'service.name': 'github-copilot' } },
    };
    const text = `${JSON.stringify(line)}\n`;
    return only(parseCopilotCliLog({ file: 'f', text, firstLine: 1 }, undefined).records, 'copilot-cli');
  },
  'LiteLLM spend log': (c) => {
    const row = {
      request_id: 'r1',
      spend: 0.01,
      prompt_tokens: c.input,
      completion_tokens: c.output,
      startTime: AT,
      model: 'claude-sonnet-4-5',
      custom_llm_provider: 'anthropic',
      metadata: {
        usage_object: {
          cache_read_input_tokens: c.cacheRead,
          cache_creation_input_tokens: c.cacheWrite,
          completion_tokens_details: { reasoning_tokens: c.reasoning },
        },
      },
    };
    const ctx = { file: 'db', name: 'proxy', streams: {}, workflowTagPrefix: 'workflow:' };
    return only(parseSpendLogs([row], ctx).records, 'litellm');
  },
};

describe('one request, every path: OpenTelemetry GenAI meaning', () => {
  for (const c of genAiCases)
    for (const [path, run] of Object.entries(genAiPaths))
      it(`${c.name}: ${path}`, () => expect(run(c).tokens).toEqual(c.expected));
});

interface OpenAiCase {
  name: string;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  expected: TokenCounts;
}

const openAiCases: OpenAiCase[] = [
  {
    name: 'cached part of input, reasoning inside output',
    input: 12000,
    cached: 8000,
    output: 900,
    reasoning: 600,
    expected: { input: 4000, cacheRead: 8000, cacheWrite: 0, output: 900, reasoning: 600 },
  },
  {
    name: 'cached larger than input (impossible for OpenAI): clamped to input',
    input: 100,
    cached: 150,
    output: 10,
    reasoning: 0,
    expected: { input: 0, cacheRead: 100, cacheWrite: 0, output: 10, reasoning: 0 },
  },
];

const openAiPaths: Record<string, (c: OpenAiCase) => UsageRecord> = {
  'Codex rollout file': (c) => {
    const usage = {
      input_tokens: c.input,
      cached_input_tokens: c.cached,
      output_tokens: c.output,
      reasoning_output_tokens: c.reasoning,
    };
    const lines = [
      { timestamp: AT, type: 'session_meta', payload: { id: 'sess-1', timestamp: AT, cwd: '/w' } },
      { timestamp: AT, type: 'turn_context', payload: { model: 'gpt-5.1-codex' } },
      {
        timestamp: AT,
        type: 'event_msg',
        payload: { type: 'token_count', info: { total_token_usage: usage, last_token_usage: usage } },
      },
    ];
    const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
    return only(parseCodexLog({ file: 'rollout-x.jsonl', text, firstLine: 1 }, undefined).records, 'codex');
  },
  'Codex OTel event': (c) =>
    only(
      decodeLogs(
        otlpLog('codex_cli_rs', {
          'event.name': 'codex.sse_event',
          'event.kind': 'response.completed',
          'conversation.id': 'sess-1',
          model: 'gpt-5.1-codex',
          input_token_count: c.input,
          cached_token_count: c.cached,
          output_token_count: c.output,
          reasoning_token_count: c.reasoning,
        }),
        'logs',
      ).records,
      'codex-otel',
    ),
};

describe('one request, every path: OpenAI meaning', () => {
  for (const c of openAiCases)
    for (const [path, run] of Object.entries(openAiPaths))
      it(`${c.name}: ${path}`, () => expect(run(c).tokens).toEqual(c.expected));

  it('the organisation usage report: the same split (reasoning is not reported there)', () => {
    const c = openAiCases[0] as OpenAiCase;
    const page = {
      object: 'page',
      data: [
        {
          object: 'bucket',
          start_time: 1782986400,
          end_time: 1783072800,
          results: [
            {
              input_tokens: c.input,
              input_cached_tokens: c.cached,
              output_tokens: c.output,
              num_model_requests: 1,
            },
          ],
        },
      ],
    };
    const r = only(parseOpenAiCompletions(page, { file: 'u', org: 'acme' }).records, 'openai usage');
    expect(r.tokens).toEqual({ ...c.expected, reasoning: 0 });
  });
});

interface GeminiCase {
  name: string;
  prompt: number;
  cached: number;
  candidates: number;
  thoughts: number;
  tool: number;
  expected: TokenCounts;
}

const geminiCases: GeminiCase[] = [
  {
    name: 'cached prompt, thoughts and tool-use prompt',
    prompt: 8000,
    cached: 5000,
    candidates: 600,
    thoughts: 300,
    tool: 20,
    expected: { input: 3020, cacheRead: 5000, cacheWrite: 0, output: 900, reasoning: 300 },
  },
];

const geminiPaths: Record<string, (c: GeminiCase) => UsageRecord> = {
  'Gemini CLI chat file': (c) => {
    const lines = [
      { sessionId: 'g1', projectHash: 'h', startTime: AT, lastUpdated: AT, kind: 'main' },
      {
        id: 'm1',
        timestamp: AT,
        type: 'gemini',
        content: [],
        model: 'gemini-2.5-pro',
        tokens: {
          input: c.prompt,
          output: c.candidates,
          cached: c.cached,
          thoughts: c.thoughts,
          tool: c.tool,
          total: c.prompt + c.candidates + c.thoughts + c.tool,
        },
      },
    ];
    const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
    return only(parseGeminiLog({ file: 'session.jsonl', text, firstLine: 1 }, undefined).records, 'gemini');
  },
  'Gemini CLI OTel event': (c) =>
    only(
      decodeLogs(
        otlpLog('gemini-cli', {
          'event.name': 'gemini_cli.api_response',
          'session.id': 'g1',
          model: 'gemini-2.5-pro',
          input_token_count: c.prompt,
          output_token_count: c.candidates,
          cached_content_token_count: c.cached,
          thoughts_token_count: c.thoughts,
          tool_token_count: c.tool,
        }),
        'logs',
      ).records,
      'gemini-otel',
    ),
};

describe('one request, every path: Gemini meaning', () => {
  for (const c of geminiCases)
    for (const [path, run] of Object.entries(geminiPaths))
      it(`${c.name}: ${path}`, () => expect(run(c).tokens).toEqual(c.expected));
});

/** The same span through the OTLP receiver and through Copilot CLI's file export. */
const spanPaths: Record<string, (attrs: Record<string, Attr>) => UsageRecord> = {
  'OTLP receiver (spans)': (attrs) => only(decodeSpans(otlpSpan(attrs), 'traces').records, 'otlp'),
  'Copilot CLI file export': (attrs) => {
    const line = {
      type: 'span',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'a1b2c3d4e5f60001',
      name: 'chat',
      startTime: [1783000000, 0],
      endTime: [1783000001, 0],
      attributes: attrs,
      resource: { attributes: { 'service.name': 'github-copilot' } },
    };
    const text = `${JSON.stringify(line)}\n`;
    return only(parseCopilotCliLog({ file: 'f', text, firstLine: 1 }, undefined).records, 'copilot-cli');
  },
};

/**
 * Span paths only (the OTLP receiver and Copilot CLI's file export read the one GENAI_SPAN_USAGE table):
 * the conventions' audio breakdown (a part of input / output, its cached part a part of the cache reads) and
 * the server-tool counts Anthropic instrumentations emit.
 */
describe('one request, every span path: audio and server tools', () => {
  const attrs: Record<string, Attr> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.response.model': 'gpt-realtime',
    'gen_ai.usage.input_tokens': 5000,
    'gen_ai.usage.cache_read.input_tokens': 3000,
    'gen_ai.usage.audio.input_tokens': 800,
    'gen_ai.usage.audio.cache_read.input_tokens': 200,
    'gen_ai.usage.output_tokens': 600,
    'gen_ai.usage.audio.output_tokens': 300,
    'anthropic.usage.server_tool_use.web_search_requests': 2,
    'anthropic.usage.server_tool_use.web_fetch_requests': 1,
  };
  const expected = {
    tokens: {
      input: 2000,
      cacheRead: 3000,
      cacheWrite: 0,
      output: 600,
      reasoning: 0,
      audioInput: 600,
      audioOutput: 300,
    },
    serverTools: { webSearch: 2, webFetch: 1 },
  };
  for (const [path, run] of Object.entries(spanPaths))
    it(path, () => {
      const r = run(attrs);
      expect({ tokens: r.tokens, serverTools: r.serverTools }).toEqual(expected);
    });
});

describe('one request, every span path: Copilot spans priced by their own billing units', () => {
  const copilot = (units: Record<string, Attr>): Record<string, Attr> => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'github',
    'gen_ai.response.model': 'claude-sonnet-4.5',
    'gen_ai.usage.input_tokens': 30000,
    'gen_ai.usage.cache_read.input_tokens': 28000,
    'gen_ai.usage.output_tokens': 500,
    ...units,
  });
  const cases: { name: string; units: Record<string, Attr>; amount: string }[] = [
    {
      name: 'AI credits (usage-based billing): 1e9 nano units a credit, $0.01 a credit',
      units: { 'github.copilot.nano_aiu': 1_234_500_000 },
      amount: '0.012345',
    },
    {
      name: 'premium requests (a fractional multiplier) at GitHub list $0.04',
      units: { 'github.copilot.cost': '0.33' },
      amount: '0.0132',
    },
  ];
  for (const c of cases)
    for (const [path, run] of Object.entries(spanPaths))
      it(`${c.name}: ${path}`, () => {
        const r = run(copilot(c.units));
        expect(r.tokens).toEqual({ input: 2000, cacheRead: 28000, cacheWrite: 0, output: 500, reasoning: 0 });
        expect(r.provider).toBe('github');
        expect(r.cost.basis).toBe('provider_reported');
        expect(r.cost.amount?.toString()).toBe(c.amount);
      });

  it('a span without billing units keeps the token estimate (unpriced until the pricing pass)', () => {
    for (const run of Object.values(spanPaths))
      expect(run(copilot({})).cost).toEqual({ amount: null, basis: 'list_estimate', priceRef: null });
  });
});

/**
 * Bulk file paths (read by the store's SQL, not a TypeScript parser): generic usage files are written in
 * Mileage's own meaning (uncached input, output with reasoning), FOCUS files bill each token kind on its own
 * row (SkuMeter names the kind). The same request written each way must be stored with the same split.
 */
describe('one request, every file path: usage CSV, usage JSONL, FOCUS', () => {
  const c = { input: 4, cacheRead: 45211, cacheWrite: 1820, output: 412, reasoning: 120 };
  const dir = mkdtempSync(join(tmpdir(), 'mileage-token-semantics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function stored(load: (db: Db, path: string) => Promise<unknown>, name: string, text: string) {
    const path = join(dir, name);
    writeFileSync(path, text);
    const db = await openStore(':memory:');
    try {
      await load(db, path);
      const [row] = await db.query(
        `SELECT sum(input_tokens)::INTEGER AS input, sum(cache_read_tokens)::INTEGER AS cacheRead,
           sum(cache_write_tokens)::INTEGER AS cacheWrite, sum(output_tokens)::INTEGER AS output,
           sum(reasoning_tokens)::INTEGER AS reasoning FROM usage`,
      );
      return row;
    } finally {
      await db.close();
    }
  }

  const usageRow = {
    timestamp: AT,
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    input_tokens: c.input,
    cache_read_tokens: c.cacheRead,
    cache_write_tokens: c.cacheWrite,
    output_tokens: c.output,
    reasoning_tokens: c.reasoning,
  };

  it('usage CSV', async () => {
    const text = `${Object.keys(usageRow).join(',')}\n${Object.values(usageRow).join(',')}\n`;
    const row = await stored(
      (db, path) => db.loadUsageFile({ path, format: 'csv', source: 'usage-file' }),
      'u.csv',
      text,
    );
    expect(row).toEqual(c);
  });

  it('usage JSONL', async () => {
    const row = await stored(
      (db, path) => db.loadUsageFile({ path, format: 'jsonl', source: 'usage-file' }),
      'u.jsonl',
      `${JSON.stringify(usageRow)}\n`,
    );
    expect(row).toEqual(c);
  });

  it('FOCUS (one row per token kind; FOCUS has no reasoning count)', async () => {
    const kinds = [
      ['Input Tokens', c.input],
      ['Cache Read Tokens', c.cacheRead],
      ['Cache Write Tokens', c.cacheWrite],
      ['Output Tokens', c.output],
    ] as const;
    const header =
      'BilledCost,BillingCurrency,BillingAccountId,ChargePeriodStart,ChargePeriodEnd,ServiceCategory,ProviderName,PublisherName,SkuId,SkuMeter,ConsumedQuantity,ConsumedUnit';
    const lines = kinds.map(
      ([meter, n]) =>
        `0.01,USD,123456789012,2026-07-02T10:00:00Z,2026-07-02T11:00:00Z,AI and Machine Learning,AWS,Anthropic,claude-sonnet-4-6,${meter},${n},Tokens`,
    );
    const row = await stored(
      (db, path) => db.loadFocusFile({ path, format: 'csv', cost: 'billed' }),
      'focus.csv',
      `${header}\n${lines.join('\n')}\n`,
    );
    expect(row).toEqual({ ...c, reasoning: 0 });
  });
});

describe('one request, every path: OpenAI audio', () => {
  it('the organisation usage report and a GenAI span of the same audio request agree', () => {
    // Older usage answers count audio beside input_tokens / output_tokens; spans count it inside.
    const page = {
      object: 'page',
      data: [
        {
          object: 'bucket',
          start_time: 1782986400,
          end_time: 1783072800,
          results: [
            {
              model: 'gpt-realtime',
              input_tokens: 4200,
              input_cached_tokens: 3000,
              input_audio_tokens: 800,
              output_tokens: 300,
              output_audio_tokens: 300,
              num_model_requests: 1,
            },
          ],
        },
      ],
    };
    const report = only(parseOpenAiCompletions(page, { file: 'u', org: 'acme' }).records, 'openai usage');
    const span = only(
      decodeSpans(
        otlpSpan({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.response.model': 'gpt-realtime',
          'gen_ai.usage.input_tokens': 5000,
          'gen_ai.usage.cache_read.input_tokens': 3000,
          'gen_ai.usage.audio.input_tokens': 800,
          'gen_ai.usage.output_tokens': 600,
          'gen_ai.usage.audio.output_tokens': 300,
        }),
        'traces',
      ).records,
      'otlp',
    );
    const expected = {
      input: 2000,
      cacheRead: 3000,
      cacheWrite: 0,
      output: 600,
      reasoning: 0,
      audioInput: 800,
      audioOutput: 300,
    };
    expect(report.tokens).toEqual(expected);
    expect(span.tokens).toEqual(expected);
  });
});

describe('one request, every Copilot CLI path: session-state shutdown totals and the span', () => {
  it('a one-request session gives the same split and the same cost through its shutdown event as through its span', () => {
    const shutdown = {
      type: 'session.shutdown',
      timestamp: AT,
      data: {
        sessionStartTime: Date.parse(AT) - 60_000,
        modelMetrics: {
          'claude-sonnet-4.5': {
            requests: { count: 1, cost: 0.33 },
            usage: {
              inputTokens: 30000,
              outputTokens: 500,
              cacheReadTokens: 28000,
              cacheWriteTokens: 1200,
              reasoningTokens: 40,
            },
          },
        },
      },
    };
    const text = `${JSON.stringify({ type: 'session.start', data: { sessionId: 's1' } })}\n${JSON.stringify(shutdown)}\n`;
    const file = 'session-state/s1/events.jsonl';
    const session = only(
      parseCopilotCliLog({ file, text, firstLine: 1 }, undefined).records,
      'session events',
    );
    const span = only(
      decodeSpans(
        otlpSpan({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'github',
          'gen_ai.response.model': 'claude-sonnet-4.5',
          'gen_ai.usage.input_tokens': 30000,
          'gen_ai.usage.cache_read.input_tokens': 28000,
          'gen_ai.usage.cache_write.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 500,
          'gen_ai.usage.reasoning.output_tokens': 40,
          'github.copilot.cost': '0.33',
        }),
        'traces',
      ).records,
      'otlp',
    );
    const expected = { input: 800, cacheRead: 28000, cacheWrite: 1200, output: 500, reasoning: 40 };
    expect(session.tokens).toEqual(expected);
    expect(span.tokens).toEqual(expected);
    expect(session.cost).toEqual(span.cost);
    expect(span.cost.amount?.toString()).toBe('0.0132');
  });
});
