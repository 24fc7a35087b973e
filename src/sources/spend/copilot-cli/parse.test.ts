import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../domain/usage.js';
import { copilotCliLogSource } from './index.js';
import { parseCopilotCliLog, REMEMBERED_TRACES, type CopilotCliLogState } from './parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/copilot-cli/${name}`, import.meta.url), 'utf8');

const parseWhole = (name: string, file = name) =>
  parseCopilotCliLog({ file, text: fixture(name), firstLine: 1 }, undefined);

/** Input, cache read, cache write, output, reasoning, model, provider. */
const brief = (r: UsageRecord) => [
  r.tokens.input,
  r.tokens.cacheRead,
  r.tokens.cacheWrite,
  r.tokens.output,
  r.tokens.reasoning,
  r.model,
  r.provider,
];

const SESSION = 'c0ffee00-1111-4222-8333-444455556666';

describe('Copilot CLI OpenTelemetry file export', () => {
  describe('span-per-line export (spans.jsonl)', () => {
    const { records, problems } = parseWhole('spans.jsonl');

    it.each([
      ['no problems', () => expect(problems).toEqual([])],
      [
        'one record per chat span, and an agent span only for a trace without chat spans',
        () =>
          expect(records.map(brief)).toEqual([
            // input includes cache reads and writes (GenAI conventions): 12000 - 10000 - 1500
            [500, 10000, 1500, 400, 120, 'claude-sonnet-4.5-20250929', 'anthropic'],
            // deprecated names: prompt/completion tokens (a numeric string), gen_ai.system, name-only operation
            [1976, 1024, 0, 200, 0, 'gpt-5-mini', 'openai'],
            // invoke_agent whose trace had no chat span: its usage is the only count
            [1000, 4000, 0, 90, 0, 'gpt-4.1', 'github'],
          ]),
      ],
      [
        'span times, the response id as dedup key and the session hints',
        () =>
          expect(records[0]).toMatchObject({
            source: 'copilot-cli-logs',
            stream: null,
            granularity: 'request',
            tool: 'copilot-cli',
            requests: 1,
            start: new Date('2026-07-02T13:46:40.250Z'),
            end: new Date('2026-07-02T13:46:44.750Z'),
            dedupKey: 'msg_01CopilotAAAA',
            // priced by its AI credits: github.copilot.nano_aiu 1,250,000,000 = 1.25 credits at $0.01
            cost: { basis: 'provider_reported', priceRef: 'github-ai-credits:1.25@0.01' },
            hints: { sessionId: SESSION, toolVersion: '0.0.354' },
          }),
      ],
      ['session id from session.id too', () => expect(records[2]?.hints.sessionId).toBe(SESSION)],
      ['the AI credits in dollars', () => expect(records[0]?.cost.amount?.toString()).toBe('0.0125')],
      ['ids are distinct', () => expect(new Set(records.map((r) => r.id)).size).toBe(3)],
    ])('%s', (_name, check) => check());
  });

  it('reads OTLP/JSON resourceSpans lines, typed values and resource attributes included', () => {
    const { records, problems } = parseWhole('otlp.jsonl');
    expect(problems).toEqual([]);
    expect(records.map(brief)).toEqual([[152, 2048, 0, 64, 0, 'gpt-5', 'openai']]);
    expect(records[0]).toMatchObject({
      start: new Date('2026-07-02T13:50:00.000Z'),
      end: new Date('2026-07-02T13:50:03.200Z'),
      dedupKey: 'chatcmpl-xyz789',
      hints: { sessionId: 'd00dfeed-2222-4333-8444-555566667777', toolVersion: '0.0.355' },
    });
  });

  it('gives a span the same id in either line shape and in any file', () => {
    const span = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      name: 'chat gpt-5',
      startTime: [1783000200, 0],
      endTime: [1783000203, 200000000],
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 2200,
        'gen_ai.usage.output_tokens': 64,
      },
    };
    const flat = parseCopilotCliLog({ file: 'a.jsonl', text: JSON.stringify(span), firstLine: 1 }, undefined);
    const otlp = parseWhole('otlp.jsonl', 'b.jsonl');
    expect(flat.records[0]?.id).toBe(otlp.records[0]?.id);
  });

  describe('bad lines (bad-lines.jsonl)', () => {
    const expected = (file: string) => [
      { file, line: 2, field: null, message: 'invalid JSON' },
      { file, line: 3, field: 'attributes.gen_ai.usage.input_tokens', message: 'negative token count' },
      {
        file,
        line: 4,
        field: 'attributes.gen_ai.usage.input_tokens',
        message: 'expected a number of tokens, received "lots"',
      },
      {
        file,
        line: 5,
        field: 'attributes',
        message: 'absurd token count 12000100 in one request (limit 10000000)',
      },
      { file, line: 6, field: 'startTime', message: 'Invalid input: expected tuple, received string' },
      { file, line: 8, field: null, message: 'incomplete line (file still being written?)' },
    ];

    it('reports each with its line and keeps the good records around them', () => {
      const { records, problems } = parseWhole('bad-lines.jsonl', 'bad.jsonl');
      expect(records.map(brief)).toEqual([
        [100, 0, 0, 10, 0, 'gpt-5-mini', null],
        [100, 200, 0, 30, 0, 'gpt-5-mini', null],
      ]);
      expect(problems).toEqual(expected('bad.jsonl'));
    });

    it('numbers lines from firstLine in a later chunk', () => {
      const lines = fixture('bad-lines.jsonl').split('\n');
      const head = parseCopilotCliLog(
        { file: 'bad.jsonl', text: lines.slice(0, 3).join('\n') + '\n', firstLine: 1 },
        undefined,
      );
      const tail = parseCopilotCliLog(
        { file: 'bad.jsonl', text: lines.slice(3).join('\n'), firstLine: 4 },
        head.state,
      );
      expect([...head.problems, ...tail.problems]).toEqual(expected('bad.jsonl'));
    });
  });

  it('names the span inside an OTLP line when one of its token attributes is bad', () => {
    const line =
      fixture('otlp.jsonl').split('\n')[0]?.replace('{"intValue":"64"}', '{"intValue":"-64"}') ?? '';
    const { records, problems } = parseCopilotCliLog(
      { file: 'o.jsonl', text: line, firstLine: 7 },
      undefined,
    );
    expect(records).toEqual([]);
    expect(problems).toEqual([
      {
        file: 'o.jsonl',
        line: 7,
        field: 'resourceSpans[0].scopeSpans[0].spans[0].attributes.gen_ai.usage.output_tokens',
        message: 'negative token count',
      },
    ]);
  });

  describe('chunked parsing equals whole parsing, split at every line boundary', () => {
    it.each(['spans.jsonl', 'otlp.jsonl', 'bad-lines.jsonl'])('%s', (name) => {
      const text = fixture(name);
      const whole = parseCopilotCliLog({ file: 'f.jsonl', text, firstLine: 1 }, undefined);
      const lines = text.split('\n');
      for (let k = 1; k < lines.length; k++) {
        const first = parseCopilotCliLog(
          { file: 'f.jsonl', text: lines.slice(0, k).join('\n') + '\n', firstLine: 1 },
          undefined,
        );
        const carried = JSON.parse(JSON.stringify(first.state)) as CopilotCliLogState;
        const rest = parseCopilotCliLog(
          { file: 'f.jsonl', text: lines.slice(k).join('\n'), firstLine: k + 1 },
          carried,
        );
        expect([...first.records, ...rest.records]).toEqual(whole.records);
        expect([...first.problems, ...rest.problems]).toEqual(whole.problems);
      }
    });
  });

  it('remembers a bounded number of traces', () => {
    const chat = (i: number) =>
      JSON.stringify({
        traceId: `trace-${i}`,
        spanId: 's',
        name: 'chat m',
        startTime: [1783000000 + i, 0],
        attributes: { 'gen_ai.usage.input_tokens': 1 },
      });
    const text = Array.from({ length: REMEMBERED_TRACES + 10 }, (_, i) => chat(i)).join('\n');
    const { records, state } = parseCopilotCliLog({ file: 'f.jsonl', text, firstLine: 1 }, undefined);
    expect(records).toHaveLength(REMEMBERED_TRACES + 10);
    expect(state.inferenceTraces).toHaveLength(REMEMBERED_TRACES);
    expect(state.inferenceTraces.at(-1)).toBe(`trace-${REMEMBERED_TRACES + 9}`);
  });

  it.each([
    ['/home/ana/.copilot/otel/copilot-otel-2026-07-02.jsonl', true],
    ['C:\\Users\\ana\\.copilot\\otel\\traces.jsonl', true],
    ['/home/ana/.copilot/session-state/abc.jsonl', false],
    ['/home/ana/.copilot/session-state/0faecbdf-b889-4bca-a51a-5254f5488cb6/events.jsonl', true],
    ['C:\\Users\\ana\\.copilot\\session-state\\0faecbdf\\events.jsonl', true],
    ['/home/ana/.copilot/session-state/0faecbdf/workspace.yaml', false],
    ['/home/ana/.copilot/otel/traces.json', false],
  ])('accepts %s: %s', (path, accepted) => {
    expect(copilotCliLogSource.accept(path)).toBe(accepted);
    expect(copilotCliLogSource).toMatchObject({
      source: 'copilot-cli-logs',
      tool: 'copilot-cli',
      appendOnly: true,
    });
  });
});
