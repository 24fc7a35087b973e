import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ingestAgentLogs } from '../../src/ingest/agent-logs/ingest.js';
import { AGENT_TOOLS } from '../../src/ingest/agent-logs/locations.js';
import type { Db } from '../../src/store/db.js';
import type { Expect, Measured, Observation } from './measure.js';

/**
 * Agent logs of each tool (Claude Code, Codex, Gemini CLI, Copilot CLI's session-state events and its
 * OpenTelemetry file export): each input is one log file holding GOOD good requests and one bad line, in the
 * folder layout the tool writes. All files of a tool are read by one `ingest agent-logs` run (the bulk
 * reader and the exact parser as the CLI runs them), then each file is judged on its own problems and rows.
 */
export type AgentPath =
  'agent-claude-code' | 'agent-codex' | 'agent-gemini' | 'agent-copilot-session' | 'agent-copilot-otel';

export interface AgentCase {
  id: string;
  path: AgentPath;
  /** The bad line (a JSON value, or raw text/bytes), given the case's session marker. */
  bad: (marker: string) => unknown;
  /** A whole-file case: the file's full content instead of good lines around a bad one. */
  whole?: (marker: string) => string | Buffer;
  expect: Expect;
}

const GOOD = 2;
const raw = (text: string | Buffer) => ({ raw: text });
type Raw = { raw: string | Buffer };
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && 'raw' in v;

// ── Claude Code: projects/<project>/<session>.jsonl, one assistant line per request ────────────────────────
function claudeLine(marker: string, n: string): Record<string, unknown> {
  return {
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/home/dev/src/app',
    sessionId: marker,
    version: '2.1.140',
    gitBranch: 'main',
    type: 'assistant',
    uuid: `u-${marker}-${n}`,
    timestamp: '2026-07-04T08:00:00.000Z',
    requestId: `req_${marker}_${n}`,
    message: {
      id: `msg_${marker}_${n}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: '…' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 20, cache_read_input_tokens: 1000, output_tokens: 30 },
    },
  };
}
type Json = Record<string, unknown>;
const usageOf = (l: Json) => (l.message as Json).usage as Json;
function claudeCases(): AgentCase[] {
  const path = 'agent-claude-code' as const;
  const damaged = (name: string, damage: (l: Json) => void, expect: Expect): AgentCase => ({
    id: `${path}:${name}`,
    path,
    bad: (m) => {
      const l = claudeLine(m, 'bad');
      damage(l);
      return l;
    },
    expect,
  });
  const rej = (field: string | null): Expect => ({ outcome: 'rejected', field });
  return [
    damaged('input_tokens -20', (l) => (usageOf(l).input_tokens = -20), rej('message.usage.input_tokens')),
    damaged('input_tokens 1.5', (l) => (usageOf(l).input_tokens = 1.5), rej('message.usage.input_tokens')),
    damaged('input_tokens "20"', (l) => (usageOf(l).input_tokens = '20'), rej('message.usage.input_tokens')),
    damaged('input_tokens 9e18', (l) => (usageOf(l).input_tokens = 9e18), rej('message.usage.input_tokens')),
    // every kind summed is bounded in one request (MAX_TOKENS_PER_REQUEST): the usage object is named
    damaged('output_tokens 2e8', (l) => (usageOf(l).output_tokens = 2e8), rej('message.usage')),
    damaged(
      'output_tokens 1e400 (Infinity)',
      (l) => (usageOf(l).output_tokens = 'INF'),
      rej('message.usage'),
    ),
    damaged('cache_read true', (l) => (usageOf(l).cache_read_input_tokens = true), rej('message.usage')),
    damaged('usage null', (l) => ((l.message as Json).usage = null), rej('message.usage')),
    damaged(
      'timestamp 9999-12-31',
      (l) => (l.timestamp = '9999-12-31T00:00:00.000Z'),
      rej('timestamp|start'),
    ),
    damaged('timestamp 1900', (l) => (l.timestamp = '1900-01-01T00:00:00.000Z'), rej('timestamp|start')),
    damaged('timestamp 2026-02-30', (l) => (l.timestamp = '2026-02-30T00:00:00.000Z'), rej('timestamp')),
    damaged('timestamp garbage', (l) => (l.timestamp = 'yesterday'), rej('timestamp')),
    damaged(
      'model 600 chars',
      (l) => ((l.message as Json).model = 'm'.repeat(600)),
      rej('model|message.model'),
    ),
    damaged('model an object', (l) => ((l.message as Json).model = { n: 1 }), rej('message.model')),
    damaged('costUSD 1e20', (l) => (l.costUSD = 1e20), rej('costUSD|cost')),
    damaged('costUSD -5', (l) => (l.costUSD = -5), rej('costUSD|cost')),
    damaged('sessionId 3 MB', (l) => (l.sessionId = 's'.repeat(3_000_000)), rej('sessionId|session')),
    damaged('extra unknown fields', (l) => Object.assign(l, { futureField: { a: [1, 2] }, another: 'x' }), {
      outcome: 'accepted',
    }),
    {
      id: `${path}:not JSON`,
      path,
      bad: () => raw('{"type":"assistant","message":{"usage":'),
      expect: rej(null),
    },
    { id: `${path}:a JSON array`, path, bad: () => raw('[1,2,3]'), expect: rej(null) },
    {
      id: `${path}:nested 20,000 deep`,
      path,
      // in the message's content, which is never read: the request is kept
      bad: (m) =>
        raw(JSON.stringify(claudeLine(m, 'bad')).replace('"…"', '['.repeat(20_000) + ']'.repeat(20_000))),
      expect: { outcome: 'accepted' },
    },
    {
      id: `${path}:invalid UTF-8 in a string`,
      path,
      // a branch name with two bytes that are no UTF-8: one rejected line, as in every JSONL reader
      bad: (m) => {
        const s = JSON.stringify(claudeLine(m, 'bad'));
        const at = s.indexOf('"main"') + 3;
        return raw(
          Buffer.concat([Buffer.from(s.slice(0, at)), Buffer.from([0xff, 0xfe]), Buffer.from(s.slice(at))]),
        );
      },
      expect: rej(null),
    },
    {
      id: `${path}:a line of 20 MB`,
      path,
      // a tool result of 20 MB in the transcript: its text is not stored, the request is
      bad: (m) => raw(JSON.stringify(claudeLine(m, 'bad')).replace('"…"', `"${'x'.repeat(20_000_000)}"`)),
      expect: { outcome: 'accepted' },
    },
  ];
}

// ── Codex: sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl, cumulative token_count events ──────────────────
const codexMeta = (marker: string) => ({
  timestamp: '2026-07-02T10:00:00.000Z',
  type: 'session_meta',
  payload: {
    id: marker,
    timestamp: '2026-07-02T10:00:00.000Z',
    cwd: '/home/ana/src/billing',
    originator: 'codex_cli_rs',
    cli_version: '0.150.0',
  },
});
const codexTurn = {
  timestamp: '2026-07-02T10:00:01.000Z',
  type: 'turn_context',
  payload: { cwd: '/home/ana/src/billing', model: 'gpt-5.1-codex', effort: 'medium' },
};
function codexCount(n: number, at = `2026-07-02T10:0${n}:09.000Z`): Json {
  const last = {
    input_tokens: 1000,
    cached_input_tokens: 500,
    output_tokens: 90,
    reasoning_output_tokens: 60,
    total_tokens: 1090,
  };
  const total = Object.fromEntries(Object.entries(last).map(([k, v]) => [k, v * n]));
  return {
    timestamp: at,
    type: 'event_msg',
    payload: {
      type: 'token_count',
      info: { total_token_usage: total, last_token_usage: last, model_context_window: 272000 },
    },
  };
}
function codexCases(): AgentCase[] {
  const path = 'agent-codex' as const;
  const rej = (field: string | null): Expect => ({ outcome: 'rejected', field });
  // The bad line is a token_count between the good ones: its cumulative total is the good first one's, so
  // the good second request keeps its own count whatever happens to the bad one.
  const damaged = (name: string, damage: (l: Json) => void, expect: Expect): AgentCase => ({
    id: `${path}:${name}`,
    path,
    bad: () => {
      const l = codexCount(2, '2026-07-02T10:00:30.000Z');
      damage(l);
      return l;
    },
    expect,
  });
  const lastOf = (l: Json) => ((l.payload as Json).info as Json).last_token_usage as Json;
  return [
    damaged('last input_tokens -5', (l) => (lastOf(l).input_tokens = -5), rej('payload.info')),
    damaged('last input_tokens 1.5', (l) => (lastOf(l).input_tokens = 1.5), rej('payload.info')),
    damaged('last output_tokens "90"', (l) => (lastOf(l).output_tokens = '90'), rej('payload.info')),
    damaged('last output_tokens 9e18', (l) => (lastOf(l).output_tokens = 9e18), rej('payload.info|tokens')),
    damaged('last output_tokens 2e8', (l) => (lastOf(l).output_tokens = 2e8), rej('payload.info')),
    // reasoning is a subset of output (reference §1.2): more reasoning than output is clamped to it
    damaged('last reasoning above output', (l) => (lastOf(l).reasoning_output_tokens = 2e8), {
      outcome: 'accepted',
    }),
    damaged('info a string', (l) => ((l.payload as Json).info = 'x'), rej('payload.info')),
    damaged('timestamp 9999', (l) => (l.timestamp = '9999-12-31T00:00:00.000Z'), rej('timestamp|start')),
    damaged('timestamp 1900', (l) => (l.timestamp = '1900-01-01T00:00:00.000Z'), rej('timestamp|start')),
    damaged('timestamp 2026-02-30', (l) => (l.timestamp = '2026-02-30T00:00:00.000Z'), rej('timestamp')),
    damaged('timestamp a number', (l) => (l.timestamp = 17), rej('timestamp')),
    { id: `${path}:not JSON`, path, bad: () => raw('{"type":"event_msg","payload":'), expect: rej(null) },
    { id: `${path}:a number`, path, bad: () => raw('42'), expect: rej(null) },
    {
      id: `${path}:nested 20,000 deep`,
      path,
      bad: () =>
        raw(
          `{"timestamp":"2026-07-02T10:00:30.000Z","type":"event_msg","payload":{"type":"token_count","info":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
        ),
      expect: rej('payload.info'),
    },
    {
      id: `${path}:turn_context model 600 chars`,
      path,
      bad: () => ({ ...codexTurn, payload: { ...codexTurn.payload, model: 'g'.repeat(600) } }),
      // the model of the requests after it: the good second request is then the one rejected, so the
      // input is judged on the file whole (below, expectRowsKept = 1)
      expect: rej('model'),
    },
    {
      id: `${path}:session_meta cwd of 5,000 characters`,
      path,
      bad: () => raw(''),
      // every request of the session carries the cwd: all are rejected, naming it
      whole: (m) =>
        [
          { ...codexMeta(m), payload: { ...codexMeta(m).payload, cwd: '/'.repeat(5000) } },
          codexTurn,
          codexCount(1),
        ]
          .map((l) => JSON.stringify(l))
          .join('\n') + '\n',
      expect: rej('hints.cwd'),
    },
  ];
}

// ── Gemini CLI: <projectHash>/chats/session-*.jsonl (and the older whole .json document) ─────────────────
const geminiHead = (marker: string) => ({
  sessionId: marker,
  projectHash: '9f8e7d6c5b4a',
  startTime: '2026-07-07T13:00:00.000Z',
  lastUpdated: '2026-07-07T13:00:00.000Z',
  kind: 'main',
});
const geminiMessage = (n: string): Json => ({
  id: `g-${n}`,
  timestamp: '2026-07-07T13:00:20.000Z',
  type: 'gemini',
  content: [{ text: '…' }],
  thoughts: [],
  tokens: { input: 12000, output: 300, cached: 8000, thoughts: 500, tool: 0, total: 12800 },
  model: 'gemini-2.5-pro',
});
function geminiCases(): AgentCase[] {
  const path = 'agent-gemini' as const;
  const rej = (field: string | null): Expect => ({ outcome: 'rejected', field });
  const tokensOf = (l: Json) => l.tokens as Json;
  const damaged = (name: string, damage: (l: Json) => void, expect: Expect): AgentCase => ({
    id: `${path}:${name}`,
    path,
    bad: () => {
      const l = geminiMessage('bad');
      damage(l);
      return l;
    },
    expect,
  });
  return [
    damaged('tokens.input -1', (l) => (tokensOf(l).input = -1), rej('tokens')),
    damaged('tokens.input 0.5', (l) => (tokensOf(l).input = 0.5), rej('tokens')),
    damaged('tokens.output "300"', (l) => (tokensOf(l).output = '300'), rej('tokens')),
    damaged('tokens.input 9e18', (l) => (tokensOf(l).input = 9e18), rej('tokens')),
    // input includes cached (reference §1.3): a cached count above it is clamped to it, as documented
    damaged('tokens.cached above input', (l) => (tokensOf(l).cached = 5e7), { outcome: 'accepted' }),
    damaged('tokens an array', (l) => (l.tokens = [1, 2]), rej('tokens')),
    damaged('timestamp 9999', (l) => (l.timestamp = '9999-12-31T00:00:00.000Z'), rej('timestamp|start')),
    damaged('timestamp 2010', (l) => (l.timestamp = '2010-01-01T00:00:00.000Z'), rej('timestamp|start')),
    damaged('timestamp not a time', (l) => (l.timestamp = 'soon'), rej('timestamp')),
    damaged('model 600 chars', (l) => (l.model = 'g'.repeat(600)), rej('model')),
    damaged('model a number', (l) => (l.model = 3), rej('model')),
    { id: `${path}:not JSON`, path, bad: () => raw('{"id":"g-x","type":"gemini",'), expect: rej(null) },
    { id: `${path}:$set of a string`, path, bad: () => ({ $set: 'x' }), expect: { outcome: 'ignored' } },
    {
      id: `${path}:nested 20,000 deep`,
      path,
      bad: () => raw(`{"id":"g-deep","type":"gemini","tokens":${'['.repeat(20_000)}${']'.repeat(20_000)}}`),
      expect: rej(null),
    },
    {
      id: `${path}:.json document truncated`,
      path,
      bad: () => raw(''),
      whole: (m) => JSON.stringify({ ...geminiHead(m), messages: [geminiMessage('1')] }).slice(0, 150),
      expect: { outcome: 'refused', reason: /not a chat recording/ },
    },
    {
      id: `${path}:.json document with one bad message`,
      path,
      bad: () => raw(''),
      whole: (m) =>
        JSON.stringify({
          ...geminiHead(m),
          messages: [
            geminiMessage('1'),
            { ...geminiMessage('bad'), tokens: { input: -3 } },
            geminiMessage('2'),
          ],
        }),
      expect: rej('messages[1]'),
    },
  ];
}

// ── Copilot CLI: session-state/<id>/events.jsonl (session.shutdown carries each model's usage) ──────────
const copilotStart = (marker: string) => ({
  type: 'session.start',
  data: { sessionId: marker, copilotVersion: '1.0.75' },
});
const copilotShutdown = (models: Json, at = '2026-07-29T19:26:31.089Z'): Json => ({
  type: 'session.shutdown',
  data: {
    shutdownType: 'routine',
    totalPremiumRequests: 1,
    sessionStartTime: 1785353186397,
    modelMetrics: models,
  },
  id: `e-${at}`,
  timestamp: at,
  parentId: null,
});
const copilotModel = (input = 24210) => ({
  requests: { count: 1, cost: 1 },
  usage: {
    inputTokens: input,
    outputTokens: 4,
    cacheReadTokens: 0,
    cacheWriteTokens: 2400,
    reasoningTokens: 0,
  },
});
function copilotSessionCases(): AgentCase[] {
  const path = 'agent-copilot-session' as const;
  const rej = (field: string | null): Expect => ({ outcome: 'rejected', field });
  // Session-state files hold one session: the good rows are two models of its shutdown, the bad one a
  // third model (or the shutdown line is damaged whole, which is the file refused).
  const model = (name: string, damage: (m: Json) => void, expect: Expect): AgentCase => ({
    id: `${path}:${name}`,
    path,
    bad: () => {
      const m = copilotModel() as unknown as Json;
      damage(m);
      return m;
    },
    expect,
  });
  const usage = (m: Json) => m.usage as Json;
  return [
    model('inputTokens -1', (m) => (usage(m).inputTokens = -1), rej('data.modelMetrics')),
    model('inputTokens 1.5', (m) => (usage(m).inputTokens = 1.5), rej('data.modelMetrics')),
    model('outputTokens "4"', (m) => (usage(m).outputTokens = '4'), rej('data.modelMetrics')),
    model('inputTokens 9e18', (m) => (usage(m).inputTokens = 9e18), rej('data.modelMetrics|tokens')),
    // inputTokens includes cache reads: more cache reads than input are clamped to it, as documented
    model('cacheReadTokens above input', (m) => (usage(m).cacheReadTokens = 1e6), { outcome: 'accepted' }),
    model('requests.count 1e9', (m) => ((m.requests as Json).count = 1e9), rej('data.modelMetrics|requests')),
    model('requests.cost -3', (m) => ((m.requests as Json).cost = -3), rej('data.modelMetrics')),
    model(
      'requests.cost 1e20',
      (m) => ((m.requests as Json).cost = 1e20),
      rej('data.modelMetrics|units|cost'),
    ),
    model('usage null', (m) => (m.usage = null), rej('data.modelMetrics')),
    model('totalNanoAiu -5', (m) => (m.totalNanoAiu = -5), rej('data.modelMetrics')),
    model('extra unknown fields', (m) => (m.newCounter = { a: 1 }), { outcome: 'accepted' }),
    {
      id: `${path}:shutdown timestamp 9999`,
      path,
      bad: () => raw(''),
      whole: (m) =>
        [copilotStart(m), copilotShutdown({ 'gpt-5': copilotModel() }, '9999-12-31T00:00:00.000Z')]
          .map((l) => JSON.stringify(l))
          .join('\n') + '\n',
      expect: rej('timestamp|end|start'),
    },
    {
      id: `${path}:sessionStartTime 1e20`,
      path,
      bad: () => raw(''),
      whole: (m) => {
        const s = copilotShutdown({ 'gpt-5': copilotModel() });
        (s.data as Json).sessionStartTime = 1e20;
        return [copilotStart(m), s].map((l) => JSON.stringify(l)).join('\n') + '\n';
      },
      // not a time: the session's start is unknown, and the record runs from its shutdown (kept, billed)
      expect: { outcome: 'accepted' },
    },
    {
      id: `${path}:modelMetrics an array`,
      path,
      bad: () => raw(''),
      whole: (m) => {
        const s = copilotShutdown({});
        (s.data as Json).modelMetrics = [1, 2];
        return [copilotStart(m), s].map((l) => JSON.stringify(l)).join('\n') + '\n';
      },
      expect: rej('data.modelMetrics'),
    },
    {
      id: `${path}:not JSON after the shutdown`,
      path,
      bad: () => raw('{"type":"session.resume","data":'),
      expect: rej(null),
    },
  ];
}

// ── Copilot CLI OpenTelemetry file export: ~/.copilot/otel/*.jsonl, one span per line ──────────────────
const copilotSpan = (marker: string, n: string): Json => ({
  type: 'span',
  traceId: `5b8efff798038103${Buffer.from(marker).toString('hex').padEnd(16, '0').slice(0, 16)}`,
  spanId: `a1b2c3d4e5f6${n.padStart(4, '0').slice(-4)}`,
  name: 'chat claude-sonnet-4.5',
  kind: 2,
  startTime: [1783000000, 250000000],
  endTime: [1783000004, 750000000],
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': 'claude-sonnet-4.5',
    'gen_ai.response.id': `msg_${marker}_${n}`,
    'gen_ai.conversation.id': marker,
    'gen_ai.usage.input_tokens': 12000,
    'gen_ai.usage.cache_read.input_tokens': 10000,
    'gen_ai.usage.output_tokens': 400,
  },
  status: { code: 1 },
  resource: { attributes: { 'service.name': 'github-copilot', 'service.version': '0.0.354' } },
});
function copilotOtelCases(): AgentCase[] {
  const path = 'agent-copilot-otel' as const;
  const rej = (field: string | null): Expect => ({ outcome: 'rejected', field });
  const attrs = (l: Json) => l.attributes as Json;
  const damaged = (name: string, damage: (l: Json) => void, expect: Expect): AgentCase => ({
    id: `${path}:${name}`,
    path,
    bad: (m) => {
      const l = copilotSpan(m, '9');
      damage(l);
      return l;
    },
    expect,
  });
  return [
    damaged('input_tokens -5', (l) => (attrs(l)['gen_ai.usage.input_tokens'] = -5), rej('attributes')),
    damaged('input_tokens 1.5', (l) => (attrs(l)['gen_ai.usage.input_tokens'] = 1.5), rej('attributes')),
    damaged('input_tokens 9e18', (l) => (attrs(l)['gen_ai.usage.input_tokens'] = 9e18), rej('attributes')),
    damaged(
      'output_tokens "abc"',
      (l) => (attrs(l)['gen_ai.usage.output_tokens'] = 'abc'),
      rej('attributes'),
    ),
    damaged(
      'cache_read above input',
      (l) => (attrs(l)['gen_ai.usage.cache_read.input_tokens'] = 5e7),
      rej('attributes'),
    ),
    damaged('startTime in 9999', (l) => (l.startTime = [253402214400, 0]), rej('startTime|start')),
    damaged('startTime 0', (l) => (l.startTime = [0, 0]), rej('startTime|start')),
    damaged('startTime a string', (l) => (l.startTime = 'now'), rej('startTime')),
    damaged('endTime before start', (l) => (l.endTime = [1782000000, 0]), rej('end|endTime')),
    damaged(
      'model 600 chars',
      (l) => (attrs(l)['gen_ai.request.model'] = 'c'.repeat(600)),
      rej('model|attributes.gen_ai.request.model'),
    ),
    damaged('attributes an array', (l) => (l.attributes = [1, 2]), rej('attributes')),
    damaged(
      'nano AIU -1',
      (l) => (attrs(l)['github.copilot.nano_aiu'] = -1),
      rej('attributes.github.copilot.nano_aiu'),
    ),
    { id: `${path}:not JSON`, path, bad: () => raw('{"type":"span","traceId":'), expect: rej(null) },
    {
      id: `${path}:nested 20,000 deep`,
      path,
      // an attribute Mileage does not read, nested 20,000 deep: no stack overflow, the request kept
      bad: (m) =>
        raw(
          JSON.stringify(copilotSpan(m, '9')).replace(
            '"attributes":{',
            `"attributes":{"x.deep":${'['.repeat(20_000)}${']'.repeat(20_000)},`,
          ),
        ),
      expect: { outcome: 'accepted' },
    },
  ];
}

export const AGENT_CORPUS: AgentCase[] = [
  ...claudeCases(),
  ...codexCases(),
  ...geminiCases(),
  ...copilotSessionCases(),
  ...copilotOtelCases(),
];

const TOOL_OF: Record<AgentPath, string> = {
  'agent-claude-code': 'claude-code',
  'agent-codex': 'codex',
  'agent-gemini': 'gemini',
  'agent-copilot-session': 'copilot-cli',
  'agent-copilot-otel': 'copilot-cli',
};

const line = (v: unknown) => (isRaw(v) ? Buffer.from(v.raw) : Buffer.from(JSON.stringify(v)));

/** The file of one case, laid out as its tool writes it, with GOOD good requests around the bad line. */
function caseFile(root: string, c: AgentCase, marker: string): { file: string; body: Buffer } {
  const join2 = (parts: unknown[]) => Buffer.concat(parts.flatMap((p) => [line(p), Buffer.from('\n')]));
  const bad = c.bad(marker);
  switch (c.path) {
    case 'agent-claude-code': {
      const file = join(root, 'claude', 'projects', '-home-dev-src-app', `${marker}.jsonl`);
      return { file, body: join2([claudeLine(marker, '1'), bad, claudeLine(marker, '2')]) };
    }
    case 'agent-codex': {
      const file = join(
        root,
        'codex',
        'sessions',
        '2026',
        '07',
        '02',
        `rollout-2026-07-02T10-00-00-${marker}.jsonl`,
      );
      return { file, body: join2([codexMeta(marker), codexTurn, codexCount(1), bad, codexCount(3)]) };
    }
    case 'agent-gemini': {
      const whole = Boolean(c.whole);
      const file = join(root, 'gemini', '9f8e7d6c5b4a', 'chats', `session-${marker}.json${whole ? '' : 'l'}`);
      return {
        file,
        body: join2([
          geminiHead(marker),
          { ...geminiMessage('1') },
          bad,
          { ...geminiMessage('2'), timestamp: '2026-07-07T13:05:00.000Z' },
        ]),
      };
    }
    case 'agent-copilot-session': {
      const file = join(root, 'copilot', 'session-state', marker, 'events.jsonl');
      return {
        file,
        body: join2(
          isRaw(bad)
            ? [
                copilotStart(marker),
                copilotShutdown({ 'gpt-5': copilotModel(), 'claude-sonnet-4.5': copilotModel(100) }),
                bad,
              ]
            : [
                copilotStart(marker),
                copilotShutdown({
                  'gpt-5': copilotModel(),
                  bad_model: bad,
                  'claude-sonnet-4.5': copilotModel(100),
                }),
              ],
        ),
      };
    }
    case 'agent-copilot-otel': {
      const file = join(root, 'copilot', '.copilot', 'otel', `${marker}.jsonl`);
      return { file, body: join2([copilotSpan(marker, '1'), bad, copilotSpan(marker, '2')]) };
    }
  }
}

/** Good rows a case's file holds beside its bad line (a whole-file case holds its own). */
function goodRowsOf(c: AgentCase): number {
  if (!c.whole) return c.id === 'agent-codex:turn_context model 600 chars' ? 1 : GOOD;
  if (c.id.includes('one bad message')) return 2;
  return 0;
}

/** Runs every case of one path in `db` (one ingest of all its files), returning each case's observation. */
export async function runAgentPath(
  db: Db,
  dir: string,
  path: AgentPath,
  cases: readonly AgentCase[],
  first: number,
): Promise<Observation[]> {
  const root = join(dir, path);
  const files = cases.map((c, i) => {
    const marker = `s${first + i}-${path.slice(6)}`;
    let { file, body } = caseFile(root, c, marker);
    if (c.whole) {
      const content = c.whole(marker);
      body = Buffer.isBuffer(content) ? content : Buffer.from(content);
      if (c.path === 'agent-gemini' && !c.id.includes('.json ')) file = file.replace(/\.json$/, '.jsonl');
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
    return { file, marker };
  });
  const tool = AGENT_TOOLS.find((t) => t.name === TOOL_OF[path])!;
  const source = await tool.load();
  let summary: Awaited<ReturnType<typeof ingestAgentLogs>> | null = null;
  let crash: string | null = null;
  try {
    summary = await ingestAgentLogs(db, { ...source, accept: tool.acceptUnder }, [root], {
      repoOf: () => 'github.com/acme/app',
    });
  } catch (e) {
    crash = e instanceof Error ? e.message : String(e);
  }
  const counts = new Map<string, number>();
  for (const r of await db.query(
    `SELECT session_id, count(*) AS n FROM usage WHERE source = $source GROUP BY session_id`,
    { source: tool.source },
  ))
    counts.set(String(r.session_id), Number(r.n));
  return cases.map((c, i) => {
    const { file, marker } = files[i]!;
    const problems = (summary?.problems ?? []).filter((p) => p.file === file);
    const good = goodRowsOf(c);
    const stored = counts.get(marker) ?? 0;
    const refusal =
      c.expect.outcome === 'refused' &&
      problems.length > 0 &&
      problems.every((p) => p.line === null && p.field === null)
        ? { message: problems[0]!.message }
        : null;
    return { problems: refusal ? [] : problems, refusal, crash, stored, good };
  });
}

/** Runs the agent-log corpus: one store per path, the store checked after each path's ingest. */
export async function runAgentCorpus(
  dir: string,
  openDb: () => Promise<Db>,
  stillWorks: (db: Db) => Promise<string | null>,
  judgeOne: (c: AgentCase, o: Observation) => Measured,
): Promise<Measured[]> {
  const out: Measured[] = [];
  let n = 0;
  for (const path of [...new Set(AGENT_CORPUS.map((c) => c.path))]) {
    const cases = AGENT_CORPUS.filter((c) => c.path === path);
    const db = await openDb();
    try {
      const observed = await runAgentPath(db, dir, path, cases, n);
      n += cases.length;
      const broken = await stillWorks(db);
      cases.forEach((c, i) => out.push({ ...judgeOne(c, observed[i]!), bricked: broken !== null }));
    } finally {
      await db.close();
    }
  }
  return out;
}
