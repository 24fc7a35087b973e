import { SpanKind } from '@opentelemetry/api';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as MetricsJson,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordId } from '../../src/domain/ids.js';
import { startReceiver, type Receiver } from './harness.js';

/**
 * The receiver against the real OpenTelemetry JS exporters, over http/json and http/protobuf: what they
 * send is stored with the right tokens, cost (to the cent), ids, and once when exported again.
 */
const PROTOCOLS = ['json', 'protobuf'] as const;
type Protocol = (typeof PROTOCOLS)[number];

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(async () => {
  await rx.stop();
});

const claudeResource = () =>
  resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.140' });

interface UsageRow {
  id: string;
  source: string;
  granularity: string;
  model: string;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  cost: string | null;
  session_id: string | null;
  dedup_key: string | null;
}

async function stored(): Promise<UsageRow[]> {
  await rx.writer.flush();
  const rows = await rx.db.query(
    `SELECT id, source, granularity, model, input_tokens AS input, output_tokens AS output,
       cache_read_tokens AS cache_read, cache_write_tokens AS cache_write, CAST(cost AS VARCHAR) AS cost,
       session_id, dedup_key FROM usage ORDER BY start_at, id`,
  );
  return rows as unknown as UsageRow[];
}

const cents = (v: string | null | undefined) => (v == null ? null : Number(v).toFixed(2));

function logExporter(protocol: Protocol) {
  const url = `${rx.url}/v1/logs`;
  return protocol === 'json' ? new LogsJson({ url }) : new LogsProto({ url });
}

describe.each(PROTOCOLS)('logs over http/%s', (protocol) => {
  it('stores Claude Code api_request events per request, once when the same events are exported again', async () => {
    const provider = new LoggerProvider({
      resource: claudeResource(),
      processors: [new SimpleLogRecordProcessor({ exporter: logExporter(protocol) })],
    });
    const logger = provider.getLogger('com.anthropic.claude_code', '2.1.140');
    const emit = (requestId: string, cost: number, output: number) =>
      logger.emit({
        body: 'claude_code.api_request',
        timestamp: new Date('2026-07-02T09:14:05.940Z'),
        attributes: {
          'event.name': 'api_request',
          'event.timestamp': '2026-07-02T09:14:05.940Z',
          'session.id': 'sess-1',
          'user.email': 'ana@example.com',
          'organization.id': 'org-1',
          model: 'claude-sonnet-4-6',
          input_tokens: 4,
          output_tokens: output,
          cache_read_tokens: 45211,
          cache_creation_tokens: 1820,
          cost_usd: cost,
          request_id: requestId,
        },
      });
    emit('req_A', 0.0267, 412);
    emit('req_B', 0.1, 20);
    emit('req_C', 0.2, 30);
    logger.emit({
      body: 'claude_code.user_prompt',
      attributes: { 'event.name': 'user_prompt', prompt_length: 3 },
    });
    await provider.forceFlush();
    emit('req_A', 0.0267, 412); // the same request again: a retried export
    await provider.forceFlush();
    await provider.shutdown();

    const rows = await stored();
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.dedup_key).sort()).toEqual(['req_A', 'req_B', 'req_C']);
    const a = rows.find((r) => r.dedup_key === 'req_A');
    expect(a).toMatchObject({
      id: recordId('claude-code-otel', 'request', 'req_A'),
      source: 'claude-code-otel',
      granularity: 'request',
      model: 'claude-sonnet-4-6',
      input: 4,
      output: 412,
      cache_read: 45211,
      cache_write: 1820,
      session_id: 'sess-1',
    });
    expect(Number(a?.cost)).toBe(0.0267);
    const [total] = await rx.db.query(
      'SELECT CAST(sum(cost) AS VARCHAR) AS c, sum(output_tokens) AS o FROM usage',
    );
    expect(total?.c).toBe('0.3267000000');
    expect(total?.o).toBe(462);
  });
});

describe.each(PROTOCOLS)('metrics over http/%s', (protocol) => {
  function meter(temporality: AggregationTemporalityPreference) {
    const url = `${rx.url}/v1/metrics`;
    const exporter =
      protocol === 'json'
        ? new MetricsJson({ url, temporalityPreference: temporality })
        : new MetricsProto({ url, temporalityPreference: temporality });
    const provider = new MeterProvider({
      resource: claudeResource(),
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    });
    const m = provider.getMeter('com.anthropic.claude_code');
    return {
      provider,
      cost: m.createCounter('claude_code.cost.usage', { unit: 'USD' }),
      tokens: m.createCounter('claude_code.token.usage', { unit: 'tokens' }),
    };
  }

  it.each([
    ['delta', AggregationTemporalityPreference.DELTA],
    ['cumulative', AggregationTemporalityPreference.CUMULATIVE],
  ] as const)(
    '%s temporality: a session without events is counted from its metrics, once',
    async (_name, temporality) => {
      const { provider, cost, tokens } = meter(temporality);
      const attrs = {
        'session.id': 'metrics-only',
        model: 'claude-opus-4-1',
        'user.email': 'bo@example.com',
      };
      cost.add(0.1, attrs);
      tokens.add(1000, { ...attrs, type: 'output' });
      tokens.add(30, { ...attrs, type: 'input' });
      await provider.forceFlush();
      cost.add(0.25, attrs);
      tokens.add(500, { ...attrs, type: 'output' });
      await provider.forceFlush();
      await provider.forceFlush(); // nothing new: a delta exporter sends nothing, a cumulative one the same total
      await provider.shutdown();

      const rows = await stored();
      expect(rows.every((r) => r.source === 'claude-code-otel' && r.granularity === 'session')).toBe(true);
      expect(rows.reduce((s, r) => s + r.output, 0)).toBe(1500);
      expect(rows.reduce((s, r) => s + r.input, 0)).toBe(30);
      expect(cents(String(rows.reduce((s, r) => s + Number(r.cost), 0)))).toBe('0.35');
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    },
  );

  it('drops metric records of a session whose api_request events were stored', async () => {
    const logs = new LoggerProvider({
      resource: claudeResource(),
      processors: [new SimpleLogRecordProcessor({ exporter: logExporter(protocol) })],
    });
    logs.getLogger('com.anthropic.claude_code').emit({
      body: 'claude_code.api_request',
      attributes: {
        'event.timestamp': '2026-07-02T09:14:05.940Z',
        'session.id': 'both',
        model: 'claude-sonnet-4-6',
        output_tokens: 10,
        cost_usd: 0.5,
        request_id: 'req_both',
      },
    });
    await logs.forceFlush();
    await logs.shutdown();
    await rx.writer.flush();
    const { provider, cost } = meter(AggregationTemporalityPreference.DELTA);
    cost.add(0.5, { 'session.id': 'both', model: 'claude-sonnet-4-6' });
    cost.add(0.75, { 'session.id': 'other', model: 'claude-sonnet-4-6' });
    await provider.forceFlush();
    await provider.shutdown();

    const rows = await stored();
    expect(rows.map((r) => [r.session_id, r.granularity, cents(r.cost)])).toEqual(
      expect.arrayContaining([
        ['both', 'request', '0.50'],
        ['other', 'session', '0.75'],
      ]),
    );
    expect(rows).toHaveLength(2);
    expect(rx.writer.stats.superseded).toBe(1);
  });
});

describe.each(PROTOCOLS)('traces over http/%s', (protocol) => {
  it('stores one record per GenAI inference span, normalised, once when the spans are exported again', async () => {
    const url = `${rx.url}/v1/traces`;
    const exporter: SpanExporter = protocol === 'json' ? new TracesJson({ url }) : new TracesProto({ url });
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
      spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(memory)],
    });
    const tracer = provider.getTracer('opentelemetry.instrumentation.openai');
    const agent = tracer.startSpan('invoke_agent triage', {
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 1200 },
    });
    const chat = tracer.startSpan('chat gpt-4.1-mini', {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4.1-mini',
        'gen_ai.response.id': 'chatcmpl-1',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.cache_read.input_tokens': 1024,
        'gen_ai.usage.output_tokens': 85,
      },
    });
    chat.end();
    const legacy = tracer.startSpan('anthropic.chat', {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.system': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.prompt_tokens': 50,
        'gen_ai.usage.completion_tokens': 700,
      },
    });
    legacy.end();
    agent.end();
    await provider.forceFlush();
    // Export the very same spans once more, as a retrying exporter would.
    const again: ReadableSpan[] = memory.getFinishedSpans();
    const result = await new Promise<number>((resolve) => exporter.export(again, (r) => resolve(r.code)));
    expect(result).toBe(0);
    await provider.shutdown();

    const rows = await stored();
    expect(rows).toHaveLength(2);
    const c = chat.spanContext();
    expect(rows.find((r) => r.id === recordId('otlp', c.traceId, c.spanId))).toMatchObject({
      model: 'gpt-4.1-mini',
      input: 176,
      cache_read: 1024,
      output: 85,
      dedup_key: 'chatcmpl-1',
    });
    expect(rows.find((r) => r.model === 'claude-sonnet-4-5')).toMatchObject({ input: 50, output: 700 });
  });
});
