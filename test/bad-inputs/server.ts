import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeResponse, encodeProtobuf, type Signal } from '../../src/otlp/proto.js';
import { loadBundle } from '../../src/ingest/agent-logs/bundle.js';
import { listenApp, stopServer } from '../../src/server/listen.js';
import { buildServer, type BuiltServer } from '../../src/server/run-server.js';
import { createToken } from '../../src/server/tokens.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { bundleHeader, bundleRequest } from '../support/bundles.js';
import { serverOptions } from '../support/server-options.js';
import { judge, storeStillWorks, type Expect, type Measured, type Observation } from './measure.js';

/**
 * The server's ingest paths: the events API (`/api/v1/ingest/usage`, `/outcomes`), bundles uploaded to
 * `/api/v1/ingest/bundle` and loaded by the CLI (`ingest bundle`), the token API's JSON body, and the OTLP
 * receiver (`/v1/logs`, `/v1/metrics`, `/v1/traces`, JSON and protobuf). One real server on 127.0.0.1 takes
 * every request; each body holds GOOD good items beside its bad one where the path takes items one by one.
 */
export type ServerPath =
  | 'api-usage'
  | 'api-outcomes'
  | 'api-tokens'
  | 'bundle-server'
  | 'bundle-cli'
  | 'otlp-json'
  | 'otlp-protobuf';

interface Request {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface ServerCase {
  id: string;
  path: ServerPath;
  request: (marker: string) => Request;
  /** Good items the body holds beside the bad one (0 for a request refused whole). */
  good: number;
  expect: Expect;
}

const GOOD = 2;
type Json = Record<string, unknown>;
const rej = (field: string | null): Expect => ({ outcome: 'rejected', field });
const refused = (status: number, reason: RegExp): Expect => ({ outcome: 'refused', status, reason });

// ── events API ─────────────────────────────────────────────────────────────────────────────────────────
const event = (marker: string, i: number): Json => ({
  timestamp: `2026-08-0${i + 1}T10:00:00Z`,
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
  input_tokens: 100 + i,
  output_tokens: 20,
  session_id: marker,
});
const events = (marker: string, bad: unknown): Request => ({
  path: '/api/v1/ingest/usage',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify([event(marker, 0), bad, event(marker, 1)]),
});
function usageApiCases(): ServerCase[] {
  const path = 'api-usage' as const;
  const field = (f: string, v: unknown, expect: Expect = rej(f)): ServerCase => ({
    id: `${path}:${f}=${JSON.stringify(v).slice(0, 30)}`,
    path,
    request: (m) => events(m, { ...event(m, 2), [f]: v }),
    good: GOOD,
    expect,
  });
  const whole = (
    name: string,
    body: string | Buffer,
    expect: Expect,
    ct = 'application/json',
  ): ServerCase => ({
    id: `${path}:${name}`,
    path,
    request: () => ({ path: '/api/v1/ingest/usage', headers: { 'content-type': ct }, body }),
    good: 0,
    expect,
  });
  return [
    field('input_tokens', -5),
    field('input_tokens', 1.5),
    field('input_tokens', 9e18),
    field('input_tokens', 'lots'),
    field('output_tokens', 2e12),
    field('requests', 1e9),
    field('cost_usd', 1e20),
    field('cost_usd', -5),
    field('timestamp', '9999-12-31T00:00:00Z'),
    field('timestamp', '1900-01-01T00:00:00Z'),
    field('timestamp', '2026-02-30T10:00:00Z'),
    field('model', 'm'.repeat(600)),
    field('model', ''),
    field('cost_basis', 'free'),
    {
      id: `${path}:an event that is a number`,
      path,
      request: (m) => events(m, 42),
      good: GOOD,
      expect: rej(null),
    },
    {
      id: `${path}:an event nested 100 deep`,
      path,
      request: (m) =>
        events(m, { ...event(m, 2), extra: JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown }),
      good: 0,
      expect: refused(400, /nested deeper/),
    },
    {
      id: `${path}:NDJSON with a broken line`,
      path,
      request: (m) => ({
        path: '/api/v1/ingest/usage',
        headers: { 'content-type': 'application/x-ndjson' },
        body: [JSON.stringify(event(m, 0)), '{"timestamp": ', JSON.stringify(event(m, 1))].join('\n'),
      }),
      good: GOOD,
      expect: rej(null),
    },
    {
      id: `${path}:NDJSON with a line nested 20,000 deep`,
      path,
      request: (m) => ({
        path: '/api/v1/ingest/usage',
        headers: { 'content-type': 'application/x-ndjson' },
        body: [
          JSON.stringify(event(m, 0)),
          '['.repeat(20_000) + ']'.repeat(20_000),
          JSON.stringify(event(m, 1)),
        ].join('\n'),
      }),
      good: GOOD,
      expect: rej(null),
    },
    whole('body nested 20,000 deep', '['.repeat(20_000) + ']'.repeat(20_000), refused(400, /nested deeper/)),
    whole('body {"events": 5}', '{"events": 5}', refused(400, /expected a JSON array/)),
    whole('body not JSON', '{"events": [', refused(400, /not JSON/)),
    whole('empty body', '', refused(400, /empty body/)),
    whole('body of 9 MB', `[${'"x",'.repeat(2_300_000)}"x"]`, refused(413, /exceeds/)),
    {
      id: `${path}:source namespace with a slash`,
      path,
      request: (m) => ({ ...events(m, event(m, 2)), path: '/api/v1/ingest/usage?source=../etc' }),
      good: 0,
      expect: refused(400, /source/),
    },
  ];
}

const outcome = (marker: string, i: number): Json => ({
  at: `2026-08-1${i}T10:00:00Z`,
  workflow: marker,
  kind: 'ticket_resolved',
  count: 1,
  value: '12.50',
});
function outcomeApiCases(): ServerCase[] {
  const path = 'api-outcomes' as const;
  const field = (f: string, v: unknown): ServerCase => ({
    id: `${path}:${f}=${JSON.stringify(v).slice(0, 30)}`,
    path,
    request: (m) => ({
      path: '/api/v1/ingest/outcomes',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([outcome(m, 0), { ...outcome(m, 2), [f]: v }, outcome(m, 1)]),
    }),
    good: GOOD,
    expect: rej(f),
  });
  return [
    field('at', '9999-12-31T00:00:00Z'),
    field('at', '2026-02-30'),
    field('at', 'soon'),
    field('count', -1),
    field('count', 1.5),
    field('count', 1e12),
    field('value', '1e20'),
    field('value', '-5'),
    field('value', 'abc'),
    field('kind', 'k'.repeat(600)),
    {
      id: `${path}:body nested 20,000 deep`,
      path,
      request: () => ({
        path: '/api/v1/ingest/outcomes',
        headers: { 'content-type': 'application/json' },
        body: '{"events":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}',
      }),
      good: 0,
      expect: refused(400, /nested deeper/),
    },
  ];
}

function tokenApiCases(): ServerCase[] {
  const path = 'api-tokens' as const;
  const post = (name: string, body: string, reason: RegExp): ServerCase => ({
    id: `${path}:${name}`,
    path,
    request: () => ({ path: '/api/v1/tokens', headers: { 'content-type': 'application/json' }, body }),
    good: 0,
    expect: refused(400, reason),
  });
  return [
    // the token API takes 16 KB at most: 5,000 deep fits, and is refused for its depth
    post('nested 5,000 deep', '['.repeat(5_000) + ']'.repeat(5_000), /nested deeper/),
    post('not JSON', '{"role":', /not JSON/),
    post('unknown role', '{"role":"root"}', /invalid token request/),
    post('unknown key', '{"role":"viewer","admin":true}', /invalid token request/),
    post('manager without teams', '{"role":"manager"}', /needs teams/),
    post(
      'a name of 5,000 characters',
      JSON.stringify({ role: 'viewer', name: 'n'.repeat(5000) }),
      /invalid token request/,
    ),
  ];
}

// ── bundles ────────────────────────────────────────────────────────────────────────────────────────────
let bundleKey = 0;
function bundleLine(marker: string, patch: Json = {}): string {
  const n = ++bundleKey;
  return JSON.stringify({ ...(JSON.parse(bundleRequest(n)) as Json), session_id: marker, ...patch });
}
function bundleBytes(marker: string, bad: string, gzip = true, header?: string): Buffer {
  const text = [header ?? bundleHeader(3), bundleLine(marker), bad, bundleLine(marker)].join('\n') + '\n';
  return gzip ? gzipSync(text) : Buffer.from(text);
}
function bundleCases(path: 'bundle-server' | 'bundle-cli'): ServerCase[] {
  const request = (body: Buffer): Request => ({
    path: '/api/v1/ingest/bundle',
    headers: { 'content-type': 'application/gzip' },
    body,
  });
  const field = (f: string, v: unknown, named = f): ServerCase => ({
    id: `${path}:${f}=${JSON.stringify(v).slice(0, 30)}`,
    path,
    request: (m) => request(bundleBytes(m, bundleLine(m, { [f]: v }))),
    good: GOOD,
    expect: rej(named),
  });
  const whole = (name: string, body: (m: string) => Buffer, reason: RegExp): ServerCase => ({
    id: `${path}:${name}`,
    path,
    request: (m) => request(body(m)),
    good: 0,
    expect: refused(400, reason),
  });
  return [
    field('input_tokens', -5),
    field('input_tokens', 1.5),
    field('input_tokens', 9e18),
    field('output_tokens', '10'),
    field('start_at', '9999-12-31T00:00:00.000Z'),
    field('start_at', 'yesterday'),
    field('model', 'm'.repeat(600)),
    field('reported_cost', '1e20'),
    field('source', 'anthropic-admin'),
    field('id', 'not-an-id'),
    field('session_id', 's'.repeat(5000)),
    {
      id: `${path}:a line that is not JSON`,
      path,
      request: (m) => request(bundleBytes(m, '{"id": "00')),
      good: GOOD,
      expect: rej(null),
    },
    {
      id: `${path}:a line nested 20,000 deep`,
      path,
      request: (m) => request(bundleBytes(m, '['.repeat(20_000) + ']'.repeat(20_000))),
      good: GOOD,
      expect: rej(null),
    },
    {
      id: `${path}:header says 500 requests, holds 3`,
      path,
      request: (m) => request(bundleBytes(m, bundleLine(m), true, bundleHeader(500))),
      good: GOOD + 1,
      expect: rej('requests'),
    },
    whole(
      'no header',
      (m) => gzipSync([bundleLine(m), bundleLine(m)].join('\n')),
      /not a Mileage agent-log bundle/,
    ),
    whole(
      'header of version 2',
      (m) => bundleBytes(m, bundleLine(m), true, bundleHeader(3).replace('"version":1', '"version":2')),
      /not a Mileage agent-log bundle/,
    ),
    whole('truncated gzip', (m) => bundleBytes(m, bundleLine(m)).subarray(0, 60), /cannot read the bundle/),
    whole(
      'gzip of 5 MB of zeros (a bomb)',
      () => gzipSync(Buffer.alloc(5 * 1024 * 1024)),
      /cannot read the bundle|not a Mileage/,
    ),
  ];
}

// ── OTLP ───────────────────────────────────────────────────────────────────────────────────────────────
const attr = (key: string, value: string | number) =>
  typeof value === 'string'
    ? { key, value: { stringValue: value } }
    : Number.isInteger(value)
      ? { key, value: { intValue: String(value) } }
      : { key, value: { doubleValue: value } };
/** A Claude Code `api_request` log record (reference §2.1) of session `marker`. */
function apiRequest(marker: string, n: string, patch: Record<string, string | number> = {}): Json {
  const values: Record<string, string | number> = {
    'event.name': 'api_request',
    'event.timestamp': '2026-07-02T09:14:05.940Z',
    'session.id': marker,
    model: 'claude-sonnet-4-6',
    input_tokens: 40,
    output_tokens: 400,
    cache_read_tokens: 0,
    cache_creation_tokens: 0,
    cost_usd: 0.0125,
    request_id: `req_${marker}_${n}`,
    ...patch,
  };
  return {
    timeUnixNano: '1783000000000000000',
    body: { stringValue: 'claude_code.api_request' },
    // a cost is a double (an int attribute would be another case: 1e30 is no int64)
    attributes: Object.entries(values).map(([k, v]) =>
      k === 'cost_usd' && typeof v === 'number' ? { key: k, value: { doubleValue: v } } : attr(k, v),
    ),
  };
}
function logsDoc(records: Json[]): Json {
  return {
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', 'claude-code'), attr('service.version', '2.1.140')] },
        scopeLogs: [{ scope: { name: 'com.anthropic.claude_code' }, logRecords: records }],
      },
    ],
  };
}
function otlpCases(encoding: 'json' | 'protobuf'): ServerCase[] {
  const path = encoding === 'json' ? ('otlp-json' as const) : ('otlp-protobuf' as const);
  const ct = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  const body = (doc: Json) =>
    encoding === 'json' ? JSON.stringify(doc) : Buffer.from(encodeProtobuf('logs', doc));
  const logs = (m: string, bad: Json): Request => ({
    path: '/v1/logs',
    headers: { 'content-type': ct },
    body: body(logsDoc([apiRequest(m, '1'), bad, apiRequest(m, '2')])),
  });
  const field = (name: string, patch: Record<string, string | number>, named: string): ServerCase => ({
    id: `${path}:${name}`,
    path,
    request: (m) => logs(m, apiRequest(m, 'bad', patch)),
    good: GOOD,
    expect: rej(named),
  });
  const whole = (name: string, request: Request, status: number, reason: RegExp): ServerCase => ({
    id: `${path}:${name}`,
    path,
    request: () => request,
    good: 0,
    expect: refused(status, reason),
  });
  const cases: ServerCase[] = [
    // the receiver names the bad record by its path in the request (the attribute where it knows it)
    field('cost_usd 1e30', { cost_usd: 1e30 }, 'resourceLogs[0].scopeLogs[0].logRecords[1]|cost'),
    field('cost_usd -5', { cost_usd: -5 }, 'resourceLogs[0].scopeLogs[0].logRecords[1]|cost'),
    field('input_tokens -40', { input_tokens: -40 }, 'input_tokens|tokens'),
    field('input_tokens 9e18', { input_tokens: '9000000000000000000' }, 'input_tokens|tokens'),
    field('output_tokens 1.5', { output_tokens: 1.5 }, 'output_tokens|tokens'),
    field('event.timestamp 9999', { 'event.timestamp': '9999-12-31T00:00:00.000Z' }, 'event.timestamp|start'),
    field('event.timestamp 1900', { 'event.timestamp': '1900-01-01T00:00:00.000Z' }, 'event.timestamp|start'),
    field('model of 600 characters', { model: 'c'.repeat(600) }, 'model'),
    field('session.id of 5,000 characters', { 'session.id': 's'.repeat(5000) }, 'hints.sessionId|session'),
    whole(
      'Content-Type text/plain',
      { path: '/v1/logs', headers: { 'content-type': 'text/plain' }, body: body(logsDoc([])) },
      415,
      /unsupported Content-Type/,
    ),
    whole(
      'Content-Encoding br',
      {
        path: '/v1/logs',
        headers: { 'content-type': ct, 'content-encoding': 'br' },
        body: body(logsDoc([])),
      },
      415,
      /Content-Encoding/,
    ),
    whole(
      'gzip header on plain bytes',
      {
        path: '/v1/logs',
        headers: { 'content-type': ct, 'content-encoding': 'gzip' },
        body: body(logsDoc([])),
      },
      400,
      /not valid gzip/,
    ),
    whole(
      'body of 17 MB',
      { path: '/v1/logs', headers: { 'content-type': ct }, body: Buffer.alloc(17 * 1024 * 1024, 0x20) },
      413,
      /exceeds|larger/,
    ),
    whole(
      'gzip bomb of 17 MB inflated',
      {
        path: '/v1/logs',
        headers: { 'content-type': ct, 'content-encoding': 'gzip' },
        body: gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x20)),
      },
      413,
      /larger/,
    ),
  ];
  if (encoding === 'json') {
    const deep = (signal: string) =>
      whole(
        `/v1/${signal} nested 20,000 deep`,
        {
          path: `/v1/${signal}`,
          headers: { 'content-type': ct },
          body: `{"resource${signal === 'traces' ? 'Spans' : signal === 'logs' ? 'Logs' : 'Metrics'}":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
        },
        400,
        /nested deeper/,
      );
    cases.push(
      // an int64 written as 1e+30 in JSON (protobuf's wire cannot carry it)
      field(
        'input_tokens 1e30 as an int',
        { input_tokens: 1e30 },
        'resourceLogs[0].scopeLogs[0].logRecords[1]|tokens',
      ),
      deep('logs'),
      deep('metrics'),
      deep('traces'),
      {
        id: `${path}:an attribute value nested 20,000 deep (kvlistValue)`,
        path,
        request: (m) => {
          const deepValue =
            '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(2_000) +
            '{"stringValue":"x"}' +
            '}]}}'.repeat(2_000);
          const text = JSON.stringify(logsDoc([apiRequest(m, '1'), apiRequest(m, '2')]));
          return {
            path: '/v1/logs',
            headers: { 'content-type': ct },
            body: text.replace('{"stringValue":"claude_code.api_request"}', deepValue),
          };
        },
        good: 0,
        expect: refused(400, /nested deeper/),
      },
      whole(
        'truncated JSON',
        { path: '/v1/logs', headers: { 'content-type': ct }, body: JSON.stringify(logsDoc([])).slice(0, 20) },
        400,
        /invalid JSON/,
      ),
      whole(
        'resourceLogs a number',
        { path: '/v1/logs', headers: { 'content-type': ct }, body: '{"resourceLogs": 5}' },
        400,
        /not an OTLP logs request/,
      ),
      {
        id: `${path}:/v1/metrics: dataPoints a string beside a good metric`,
        path,
        request: (m) => {
          const doc = costMetrics(m, [0.5, 0.25]);
          const metrics = ((doc.resourceMetrics as Json[])[0]!.scopeMetrics as Json[])[0]!.metrics as Json[];
          metrics.push({ name: 'claude_code.cost.usage', sum: { dataPoints: 'x' } });
          return { path: '/v1/metrics', headers: { 'content-type': ct }, body: JSON.stringify(doc) };
        },
        good: GOOD,
        expect: rej('resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints'),
      },
      {
        id: `${path}:/v1/metrics: a cost point of 1e30 beside a good one`,
        path,
        request: (m) => ({
          path: '/v1/metrics',
          headers: { 'content-type': ct },
          body: JSON.stringify(costMetrics(m, [0.5, 1e30, 0.25])),
        }),
        good: GOOD,
        expect: rej('cost'),
      },
      {
        id: `${path}:/v1/metrics: a NaN cost point`,
        path,
        request: (m) => ({
          path: '/v1/metrics',
          headers: { 'content-type': ct },
          body: JSON.stringify(costMetrics(m, [0.5, 'NaN', 0.25])),
        }),
        good: GOOD,
        expect: rej('resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[1]'),
      },
      {
        id: `${path}:/v1/traces: a GenAI span of 9e18 input tokens`,
        path,
        request: (m) => ({
          path: '/v1/traces',
          headers: { 'content-type': ct },
          body: JSON.stringify(genaiSpans(m, ['100', '9000000000000000000', '50'])),
        }),
        good: GOOD,
        expect: rej('gen_ai.usage|tokens|attributes'),
      },
      {
        id: `${path}:/v1/traces: a span ending before it starts`,
        path,
        request: (m) => ({
          path: '/v1/traces',
          headers: { 'content-type': ct },
          body: JSON.stringify(genaiSpans(m, ['100', '100', '50'], 1)),
        }),
        good: GOOD,
        expect: rej('end'),
      },
    );
  } else {
    cases.push(
      whole(
        'truncated protobuf',
        {
          path: '/v1/logs',
          headers: { 'content-type': ct },
          body: Buffer.from(encodeProtobuf('logs', logsDoc([apiRequest('t', '1')]))).subarray(0, 25),
        },
        400,
        /invalid protobuf/,
      ),
      whole(
        'random bytes',
        {
          path: '/v1/logs',
          headers: { 'content-type': ct },
          body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
        },
        400,
        /invalid protobuf/,
      ),
      whole(
        'JSON sent as protobuf',
        { path: '/v1/logs', headers: { 'content-type': ct }, body: JSON.stringify(logsDoc([])) },
        400,
        /invalid protobuf/,
      ),
      // protobuf cannot tell: a logs message read as a traces one has no field the traces message knows
      // (unknown fields are skipped, as the wire format requires), so it is an empty request
      {
        id: `${path}:/v1/traces: a logs message`,
        path,
        request: () => ({
          path: '/v1/traces',
          headers: { 'content-type': ct },
          body: Buffer.from(encodeProtobuf('logs', logsDoc([apiRequest('t', '1')]))),
        }),
        good: 0,
        expect: { outcome: 'ignored' },
      },
    );
  }
  return cases;
}

/** Claude Code's cost counter (reference §2.1), delta points of session `marker`, one per value. */
function costMetrics(marker: string, values: (number | string)[]): Json {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attr('service.name', 'claude-code')] },
        scopeMetrics: [
          {
            scope: { name: 'com.anthropic.claude_code' },
            metrics: [
              {
                name: 'claude_code.cost.usage',
                unit: 'USD',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: values.map((v, i) => ({
                    startTimeUnixNano: `${1783000000 + i * 60}000000000`,
                    timeUnixNano: `${1783000060 + i * 60}000000000`,
                    asDouble: v,
                    attributes: [attr('session.id', marker), attr('model', `claude-sonnet-4-${i}`)],
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** GenAI client spans (semantic conventions) of conversation `marker`, one per input count. */
function genaiSpans(marker: string, inputs: string[], backwards = -1): Json {
  return {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'corpus-agent')] },
        scopeSpans: [
          {
            spans: inputs.map((n, i) => ({
              traceId: `${marker
                .replace(/[^0-9a-f]/g, '')
                .padEnd(24, 'a')
                .slice(0, 24)}0000000${i}`.padEnd(32, '0'),
              spanId: `00f067aa0ba902b${i}`,
              name: 'chat gpt-4.1',
              kind: 3,
              startTimeUnixNano: `${1783000200 + i}000000000`,
              endTimeUnixNano: i === backwards ? `${1783000100}000000000` : `${1783000203 + i}000000000`,
              attributes: [
                attr('gen_ai.operation.name', 'chat'),
                attr('gen_ai.provider.name', 'openai'),
                attr('gen_ai.request.model', 'gpt-4.1'),
                attr('gen_ai.response.id', `chatcmpl-${marker}-${i}`),
                attr('gen_ai.conversation.id', marker),
                { key: 'gen_ai.usage.input_tokens', value: { intValue: n } },
                attr('gen_ai.usage.output_tokens', 64),
              ],
            })),
          },
        ],
      },
    ],
  };
}

export const SERVER_CORPUS: ServerCase[] = [
  ...usageApiCases(),
  ...outcomeApiCases(),
  ...tokenApiCases(),
  ...bundleCases('bundle-server'),
  ...bundleCases('bundle-cli'),
  ...otlpCases('json'),
  ...otlpCases('protobuf'),
];

/** Rows of the case's marker stored by its path. */
async function storedOf(db: Db, path: ServerPath, marker: string): Promise<number> {
  const sql =
    path === 'api-outcomes'
      ? 'SELECT count(*) AS n FROM outcomes WHERE workflow = $m'
      : 'SELECT count(*) AS n FROM usage WHERE session_id = $m';
  const [r] = await db.query(sql, { m: marker });
  return Number(r?.n ?? 0);
}

/** The first field a problem message names, `file:line (field): message`. */
const fieldIn = (message: string) => /\(([^)\s]+)\)/.exec(message)?.[1] ?? null;

async function send(
  url: string,
  token: string,
  r: Request,
): Promise<{ status: number; json: Json | null; text: string }> {
  const res = await fetch(`${url}${r.path}`, {
    method: r.method ?? 'POST',
    headers: { authorization: `Bearer ${token}`, ...r.headers },
    body: typeof r.body === 'string' ? r.body : new Uint8Array(r.body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: Json | null = null;
  try {
    json =
      res.headers.get('content-type') === 'application/x-protobuf' && res.status === 200
        ? (decodeResponse(r.path.slice(4) as Signal, bytes) as Json)
        : (JSON.parse(text) as Json);
  } catch {
    json = null;
  }
  return { status: res.status, json, text };
}

/** What one answer says, as an observation (problems from the events API's list or OTLP's partial_success). */
function observe(answer: {
  status: number;
  json: Json | null;
  text: string;
}): Omit<Observation, 'stored' | 'good'> {
  if (answer.status >= 500)
    return { problems: [], refusal: null, crash: `${answer.status}: ${answer.text.slice(0, 200)}` };
  if (answer.status >= 400) {
    const error = (answer.json?.error as Json | undefined)?.message ?? answer.json?.message;
    const message = typeof error === 'string' ? error : answer.text;
    return { problems: [], refusal: { message, status: answer.status }, crash: null };
  }
  const listed = answer.json?.problems as { field: string | null; message: string }[] | undefined;
  if (listed) return { problems: listed, refusal: null, crash: null };
  const partial = answer.json?.partialSuccess as Json | undefined;
  const message = typeof partial?.errorMessage === 'string' ? partial.errorMessage : '';
  return {
    problems: message ? message.split('; ').map((m) => ({ field: fieldIn(m), message: m })) : [],
    refusal: null,
    crash: null,
  };
}

/** Runs the server corpus: one server on 127.0.0.1 for every request, one store per CLI bundle batch. */
export async function runServerCorpus(dir: string): Promise<Measured[]> {
  const out: Measured[] = [];
  const db = await openStore(':memory:');
  const built: BuiltServer = buildServer({
    ...serverOptions(db),
    webRoot: null,
    spoolDir: null,
    limits: { ingestPerMinute: 1_000_000, eventsBytes: 8 * 1024 * 1024, bundleTextBytes: 4 * 1024 * 1024 },
  });
  const { token } = await createToken(db, { role: 'admin', teams: null, name: 'corpus' });
  const { server, address } = await listenApp(built.app.fetch, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  const cli = await openStore(':memory:');
  try {
    let n = 0;
    for (const c of SERVER_CORPUS) {
      const marker = `srv${n++}`;
      let o: Observation;
      if (c.path === 'bundle-cli') {
        const file = join(dir, `${marker}.bundle`);
        const req = c.request(marker);
        writeFileSync(file, req.body);
        try {
          const summary = await loadBundle(cli, file);
          o = {
            problems: summary.problems,
            refusal: null,
            crash: null,
            stored: await storedOf(cli, c.path, marker),
            good: c.good,
          };
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          const clear = (e as { code?: string }).code === 'input' || /bundle/.test(message);
          o = clear
            ? { problems: [], refusal: { message, status: 400 }, crash: null, stored: 0, good: c.good }
            : { problems: [], refusal: null, crash: message, stored: 0, good: c.good };
        }
      } else {
        const answer = await send(url, token, c.request(marker));
        await built.writer.flush();
        o = { ...observe(answer), stored: await storedOf(db, c.path, marker), good: c.good };
      }
      out.push(judge(c.id, c.path, c.expect, o));
    }
    await built.writer.flush();
    const serverBroken = await storeStillWorks(db);
    const cliBroken = await storeStillWorks(cli);
    for (const m of out) m.bricked = (m.path === 'bundle-cli' ? cliBroken : serverBroken) !== null;
  } finally {
    await stopServer(server).catch(() => undefined);
    await built.idle?.();
    await db.close();
    await cli.close();
  }
  return out;
}
