import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../domain/usage.js';
import { geminiLogSource } from './index.js';
import { normalise, parseGeminiLog, type GeminiLogState } from './parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/gemini/${name}`, import.meta.url), 'utf8');

const parseWhole = (name: string, file = name) =>
  parseGeminiLog({ file, text: fixture(name), firstLine: 1 }, undefined);

const brief = (r: UsageRecord) => [
  r.tokens.input,
  r.tokens.cacheRead,
  r.tokens.output,
  r.tokens.reasoning,
  r.model,
];

const SESSION = '5c2f9a10-3b7e-4d21-9c55-7e1a2b3c4d5e';

describe('Gemini CLI chat recordings', () => {
  it.each([
    [
      'input includes cached: cached is taken out into cache reads; thoughts are billed as output',
      { input: 12000, output: 300, cached: 8000, thoughts: 500, tool: 0 },
      { input: 4000, cacheRead: 8000, cacheWrite: 0, output: 800, reasoning: 500 },
    ],
    [
      'the tool-use prompt is outside input and billed as input',
      { input: 15000, output: 120, cached: 0, thoughts: 0, tool: 400 },
      { input: 15400, cacheRead: 0, cacheWrite: 0, output: 120, reasoning: 0 },
    ],
    [
      'a cache cannot serve more than the prompt: cached is clamped to input',
      { input: 2000, output: 50, cached: 2500, thoughts: 10, tool: 0 },
      { input: 0, cacheRead: 2000, cacheWrite: 0, output: 60, reasoning: 10 },
    ],
  ])('normalises tokens: %s', (_name, raw, expected) => {
    expect(normalise(raw)).toEqual(expected);
  });

  describe('the legacy whole-document recording (session.json)', () => {
    const { records, problems, state } = parseWhole('session.json');

    it.each([
      ['no problems', () => expect(problems).toEqual([])],
      [
        'one record per gemini message with tokens (user, info and token-less messages give none)',
        () =>
          expect(records.map(brief)).toEqual([
            [4000, 8000, 800, 500, 'gemini-2.5-pro'],
            [15400, 0, 120, 0, 'gemini-2.5-pro'],
            [0, 2000, 60, 10, 'gemini-2.5-flash'],
          ]),
      ],
      [
        'request records from the CLI, unpriced, with the session id',
        () =>
          expect(records[0]).toMatchObject({
            source: 'gemini-logs',
            stream: null,
            granularity: 'request',
            tool: 'gemini-cli',
            provider: 'google',
            requests: 1,
            cost: { amount: null, basis: 'list_estimate', priceRef: null },
            hints: { sessionId: SESSION },
          }),
      ],
      ['the message time', () => expect(records[1]?.start.toISOString()).toBe('2026-07-07T13:01:40.000Z')],
      ['the session id is kept in the state', () => expect(state).toEqual({ sessionId: SESSION })],
    ])('%s', (_name, check) => check());
  });

  it('reads the JSONL recording of the same conversation to the same records, ids included', () => {
    // the JSONL file rewrites messages (tokens added, tool calls updated), resends them in $set.messages and
    // rewinds the last one: each request still counts once, and the rewound one (already billed) counts
    const fromJsonl = parseWhole('session.jsonl');
    expect(fromJsonl.problems).toEqual([]);
    expect(fromJsonl.records).toEqual(parseWhole('session.json').records);
  });

  it('gives ids that depend on the session and message only, not on the file', () => {
    const a = parseWhole(
      'session.json',
      '/home/ana/.gemini/tmp/9f8e/chats/session-2026-07-07T13-00-5c2f9a10.json',
    );
    const b = parseWhole('session.json', '/backup/session.json');
    expect(b.records.map((r) => r.id)).toEqual(a.records.map((r) => r.id));
    expect(new Set(a.records.map((r) => r.id)).size).toBe(3);
  });

  describe('bad lines (bad-lines.jsonl)', () => {
    const expected = (file: string) => [
      { file, line: 3, field: null, message: 'invalid JSON' },
      { file, line: 4, field: 'tokens.output', message: 'negative token count' },
      { file, line: 5, field: 'tokens.input', message: 'Invalid input: expected number, received string' },
      {
        file,
        line: 6,
        field: 'tokens',
        message: 'absurd token count 30000020 in one request (limit 10000000)',
      },
      { file, line: 7, field: 'timestamp', message: 'Invalid ISO datetime' },
      { file, line: 9, field: null, message: 'incomplete line (file still being written?)' },
    ];

    it('reports each with its line and keeps the good records around them', () => {
      const { records, problems } = parseWhole('bad-lines.jsonl', 'bad.jsonl');
      expect(records.map(brief)).toEqual([
        [1000, 0, 20, 0, 'gemini-2.5-flash'],
        [2000, 1000, 45, 5, 'gemini-2.5-flash'],
      ]);
      expect(problems).toEqual(expected('bad.jsonl'));
    });

    it('numbers lines from firstLine in a later chunk', () => {
      const lines = fixture('bad-lines.jsonl').split('\n');
      const head = parseGeminiLog(
        { file: 'bad.jsonl', text: lines.slice(0, 4).join('\n') + '\n', firstLine: 1 },
        undefined,
      );
      const tail = parseGeminiLog(
        { file: 'bad.jsonl', text: lines.slice(4).join('\n'), firstLine: 5 },
        head.state,
      );
      expect([...head.problems, ...tail.problems]).toEqual(expected('bad.jsonl'));
      expect(tail.records.every((r) => r.hints.sessionId === '7d3e1f20-4c8a-4e32-8d66-8f2b3c4d5e6f')).toBe(
        true,
      );
    });
  });

  it('counts a message the API answered with zero tokens as a request, and one still waiting for usage not', () => {
    const doc = {
      sessionId: 's-zero',
      messages: [
        {
          id: 'm1',
          timestamp: '2026-07-07T13:00:00.000Z',
          type: 'gemini',
          model: 'gemini-2.5-pro',
          tokens: { input: 0, output: 0, cached: 0, thoughts: 0, tool: 0, total: 0 },
        },
        {
          id: 'm2',
          timestamp: '2026-07-07T13:00:05.000Z',
          type: 'gemini',
          model: 'gemini-2.5-pro',
          tokens: null,
        },
        {
          id: 'm3',
          timestamp: '2026-07-07T13:00:09.000Z',
          type: 'gemini',
          model: 'gemini-2.5-pro',
          tokens: { input: 10, output: 2 },
        },
      ],
    };
    const { records, problems } = parseGeminiLog(
      { file: 'z.json', text: JSON.stringify(doc), firstLine: 1 },
      undefined,
    );
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.requests, ...brief(r)])).toEqual([
      [1, 0, 0, 0, 0, 'gemini-2.5-pro'],
      [1, 10, 0, 2, 0, 'gemini-2.5-pro'],
    ]);
  });

  it('reports a document cut short (a save in progress) once, without a line number', () => {
    const { records, problems } = parseWhole('truncated.json');
    expect(records).toEqual([]);
    expect(problems).toEqual([
      {
        file: 'truncated.json',
        line: null,
        field: null,
        message: 'not a chat recording document (invalid JSON, or no sessionId and messages)',
      },
    ]);
  });

  it('reports a wrong field inside a document by its path', () => {
    const doc = JSON.parse(fixture('session.json')) as { messages: { tokens?: unknown }[] };
    const third = doc.messages[2] as { tokens: { cached: number } };
    third.tokens.cached = -1;
    const { records, problems } = parseGeminiLog(
      { file: 'd.json', text: JSON.stringify(doc), firstLine: 1 },
      undefined,
    );
    expect(problems).toEqual([
      { file: 'd.json', line: null, field: 'messages[2].tokens.cached', message: 'negative token count' },
    ]);
    expect(records).toHaveLength(2);
  });

  describe('chunked parsing of a JSONL recording equals whole parsing, split at every line boundary', () => {
    it.each(['session.jsonl', 'bad-lines.jsonl'])('%s', (name) => {
      const text = fixture(name);
      const whole = parseGeminiLog({ file: 'f.jsonl', text, firstLine: 1 }, undefined);
      const lines = text.split('\n');
      for (let k = 1; k < lines.length; k++) {
        const first = parseGeminiLog(
          { file: 'f.jsonl', text: lines.slice(0, k).join('\n') + '\n', firstLine: 1 },
          undefined,
        );
        const carried = JSON.parse(JSON.stringify(first.state)) as GeminiLogState;
        const rest = parseGeminiLog(
          { file: 'f.jsonl', text: lines.slice(k).join('\n'), firstLine: k + 1 },
          carried,
        );
        // a message rewritten in both chunks is emitted by both with one id: the store keeps it once
        const byId = new Map([...first.records, ...rest.records].map((r) => [r.id, r]));
        expect([...byId.values()]).toEqual(whole.records);
        expect([...first.problems, ...rest.problems]).toEqual(whole.problems);
      }
    });
  });

  it.each([
    ['/home/ana/.gemini/tmp/9f8e7d6c/chats/session-2026-07-07T13-00-5c2f9a10.json', true],
    ['/home/ana/.gemini/tmp/9f8e7d6c/chats/session-2026-07-07T13-00-5c2f9a10.jsonl', true],
    ['/home/ana/.gemini/tmp/9f8e7d6c/chats/5c2f9a10-3b7e-4d21-9c55-7e1a2b3c4d5e/7d3e1f20.jsonl', true],
    ['/home/ana/.gemini/tmp/9f8e7d6c/logs.json', false],
    ['/home/ana/.gemini/settings.json', false],
  ])('accepts %s: %s', (path, accepted) => {
    expect(geminiLogSource.accept(path)).toBe(accepted);
    expect(geminiLogSource).toMatchObject({ source: 'gemini-logs', tool: 'gemini-cli', appendOnly: false });
  });
});
