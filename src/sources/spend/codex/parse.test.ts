import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../domain/usage.js';
import { codexLogSource } from './index.js';
import { parseCodexLog, type CodexLogState } from './parse.js';

const FIXTURES = [
  'session',
  'no-turn-context',
  'fork-replay',
  'subagent-original-times',
  'bad-lines',
  'exec-json',
];

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/codex/${name}.jsonl`, import.meta.url), 'utf8');

const parseWhole = (name: string, file = `${name}.jsonl`) =>
  parseCodexLog({ file, text: fixture(name), firstLine: 1 }, undefined);

/** Input, cache read, output, reasoning, model: the numbers a reader checks by hand. */
const brief = (r: UsageRecord) => [
  r.tokens.input,
  r.tokens.cacheRead,
  r.tokens.output,
  r.tokens.reasoning,
  r.model,
];

describe('Codex rollouts', () => {
  describe('a normal session (session.jsonl)', () => {
    const { records, problems } = parseWhole('session');

    it.each([
      ['no problems', () => expect(problems).toEqual([])],
      [
        'one record per request, OpenAI input split into uncached input and cache reads, reasoning kept inside output',
        () =>
          expect(records.map(brief)).toEqual([
            [4000, 8000, 900, 600, 'gpt-5.1-codex'],
            // last_token_usage, not the cumulative total
            [1000, 7000, 400, 200, 'gpt-5.1-codex'],
            // total-only event: the difference from the previous total, under the new turn_context's model
            [2000, 4000, 200, 50, 'gpt-5.1-codex-mini'],
            // cached (150) larger than input (100): clamped to input
            [0, 100, 10, 0, 'gpt-5.1-codex-mini'],
          ]),
      ],
      [
        'info:null, a re-emitted unchanged total (with and without last_token_usage) and an all-zero delta add nothing',
        () =>
          expect(records.map((r) => r.start.toISOString())).toEqual([
            '2026-07-02T10:00:09.000Z',
            '2026-07-02T10:00:20.000Z',
            '2026-07-02T10:01:05.000Z',
            '2026-07-02T10:01:30.000Z',
          ]),
      ],
      [
        'request records, unpriced list estimates, with the session hints',
        () =>
          expect(records[0]).toMatchObject({
            source: 'codex-logs',
            stream: null,
            granularity: 'request',
            tool: 'codex',
            provider: 'openai',
            requests: 1,
            tokens: { cacheWrite: 0 },
            cost: { amount: null, basis: 'list_estimate', priceRef: null },
            hints: {
              sessionId: '0199a1b2-0000-7000-8000-00000000abcd',
              cwd: '/home/ana/src/billing',
              branch: 'feat/invoices',
              toolVersion: '0.150.0',
            },
          }),
      ],
      ['distinct ids', () => expect(new Set(records.map((r) => r.id)).size).toBe(records.length)],
    ])('%s', (_name, check) => check());
  });

  it('gives the same ids to the same rollout under another path (archived_sessions copy)', () => {
    const a = parseWhole('session', 'sessions/2026/07/02/rollout-a.jsonl').records;
    const b = parseWhole('session', 'archived_sessions/rollout-a.jsonl').records;
    expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
  });

  it('falls back to gpt-5 before any turn_context, and differences cumulative totals, restarting after a drop', () => {
    const { records, problems } = parseWhole('no-turn-context');
    expect(problems).toEqual([]);
    expect(records.map(brief)).toEqual([
      // the first total has no previous one: it is the first request's usage
      [5000, 0, 300, 100, 'gpt-5'],
      [1500, 4500, 400, 200, 'gpt-5'],
      // the total went down (resumed session): counted from the new base, with the model now known
      [2000, 1000, 50, 0, 'gpt-5-codex'],
    ]);
    expect(records[0]?.hints.branch).toBeUndefined();
  });

  describe('forks and subagents', () => {
    it("skips a fork's replayed burst, even across a second boundary, and keeps its own requests", () => {
      const { records, problems } = parseWhole('fork-replay');
      expect(problems).toEqual([]);
      expect(records.map(brief)).toEqual([
        [6000, 4000, 500, 200, 'gpt-5.1-codex-max'],
        // total-only: differenced from the fork's own previous total
        [2000, 9000, 200, 50, 'gpt-5.1-codex-max'],
      ]);
      // the fork's own session_meta wins over the parent's copy inside the replay
      expect(records[0]?.hints).toEqual({
        sessionId: '0199b000-0000-7000-8000-0000000000c1',
        cwd: '/home/ana/src/billing',
        branch: 'feat/invoices-fork',
        toolVersion: '0.151.0',
      });
    });

    it('skips a subagent replay that kept the parent’s (earlier) timestamps', () => {
      const { records } = parseWhole('subagent-original-times');
      expect(records.map(brief)).toEqual([[3000, 0, 250, 100, 'gpt-5.1-codex-mini']]);
    });

    it('never applies the replay rule to a file that is not a fork: a fast first request counts', () => {
      const text = [
        '{"timestamp":"2026-07-06T08:00:00.000Z","type":"session_meta","payload":{"id":"s-plain"}}',
        '{"timestamp":"2026-07-06T08:00:00.200Z","type":"event_msg","payload":{"type":"token_count","info":{"last_token_usage":{"input_tokens":10,"output_tokens":2}}}}',
      ].join('\n');
      const { records } = parseCodexLog({ file: 'x.jsonl', text, firstLine: 1 }, undefined);
      expect(records.map(brief)).toEqual([[10, 0, 2, 0, 'gpt-5']]);
    });

    it('ends the replay at the first token event more than a second after the burst', () => {
      const fork = (at: string, input: number) =>
        `{"timestamp":"${at}","type":"event_msg","payload":{"type":"token_count","info":{"last_token_usage":{"input_tokens":${input},"output_tokens":1}}}}`;
      const text = [
        '{"timestamp":"2026-07-06T08:00:00.000Z","type":"session_meta","payload":{"id":"s-fork","forked_from_id":"s-parent"}}',
        fork('2026-07-06T08:00:00.500Z', 1),
        fork('2026-07-06T08:00:01.400Z', 2),
        fork('2026-07-06T08:00:02.500Z', 3),
        fork('2026-07-06T08:00:02.600Z', 4),
      ].join('\n');
      const { records } = parseCodexLog({ file: 'x.jsonl', text, firstLine: 1 }, undefined);
      expect(records.map((r) => r.tokens.input)).toEqual([3, 4]);
    });
  });

  describe('issue 18 edge cases', () => {
    const meta = (extra = '') =>
      `{"timestamp":"2026-07-06T08:00:00.000Z","type":"session_meta","payload":{"id":"s-fork"${extra}}}`;
    const started = (at: string, startedAt: number) =>
      `{"timestamp":"${at}","type":"event_msg","payload":{"type":"task_started","turn_id":"t-${startedAt}","started_at":${startedAt}}}`;
    const count = (at: string, total: number, last: number | null, model?: string) =>
      `{"timestamp":"${at}","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":${total},"output_tokens":1}` +
      (last === null ? '' : `,"last_token_usage":{"input_tokens":${last},"output_tokens":1}`) +
      (model ? `,"model":"${model}"` : '') +
      '}}}';
    const parse = (lines: string[]) =>
      parseCodexLog({ file: 'x.jsonl', text: lines.join('\n'), firstLine: 1 }, undefined);
    // 2026-07-06T08:00:00Z = 1783324800 s; the parent's turn started an hour before the fork
    const FORK_S = 1783324800;

    it("skips a fork's copied turn that spans more than a second, and counts the fork's own turn", () => {
      const { records } = parse([
        meta(',"forked_from_id":"s-parent"'),
        started('2026-07-06T08:00:00.100Z', FORK_S - 3600),
        count('2026-07-06T08:00:00.200Z', 100, 100),
        // the copied turn goes on past the one-second gap: still the parent's tokens
        count('2026-07-06T08:00:03.700Z', 300, 200),
        count('2026-07-06T08:00:06.000Z', 700, 400),
        started('2026-07-06T08:00:30.000Z', FORK_S + 30),
        count('2026-07-06T08:00:35.000Z', 750, 50),
      ]);
      expect(records.map((r) => r.tokens.input)).toEqual([50]);
    });

    it('leaves a file that is not a fork alone, task_started or not', () => {
      const { records } = parse([
        meta(),
        started('2026-07-06T08:00:00.100Z', FORK_S - 3600),
        count('2026-07-06T08:00:00.200Z', 100, 100),
      ]);
      expect(records.map((r) => r.tokens.input)).toEqual([100]);
    });

    it("prices a request under the model its token_count names (info.model) over turn_context's", () => {
      const { records } = parse([
        meta(),
        '{"timestamp":"2026-07-06T08:00:00.050Z","type":"turn_context","payload":{"model":"gpt-5.1-codex"}}',
        count('2026-07-06T08:00:01.000Z', 100, 100, 'gpt-5.1-codex-mini'),
        count('2026-07-06T08:00:02.000Z', 150, 50),
      ]);
      expect(records.map((r) => r.model)).toEqual(['gpt-5.1-codex-mini', 'gpt-5.1-codex']);
    });

    it('does not count a re-emitted total again after a bad line moved the running total away and back', () => {
      const { records } = parse([
        meta(),
        count('2026-07-06T08:00:01.000Z', 100, 100),
        count('2026-07-06T08:00:02.000Z', 300, 200),
        // a bad line: the running total jumps, then falls back
        count('2026-07-06T08:00:03.000Z', 9000, 10),
        // re-emission of the good total (a rate-limit refresh): not new usage
        count('2026-07-06T08:00:04.000Z', 300, 200),
        count('2026-07-06T08:00:05.000Z', 360, 60),
      ]);
      expect(records.map((r) => r.tokens.input)).toEqual([100, 200, 10, 60]);
    });

    it('reads cache writes (newer Codex) out of input, and the turn’s service tier', () => {
      const { records } = parse([
        meta(),
        '{"timestamp":"2026-07-06T08:00:00.050Z","type":"turn_context","payload":{"model":"gpt-5.5","service_tier":"fast"}}',
        '{"timestamp":"2026-07-06T08:00:01.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10000,"cached_input_tokens":6000,"cache_write_input_tokens":3000,"output_tokens":200,"reasoning_output_tokens":50}}}}',
        '{"timestamp":"2026-07-06T08:00:02.000Z","type":"turn_context","payload":{"model":"gpt-5.5"}}',
        '{"timestamp":"2026-07-06T08:00:03.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":12000,"cached_input_tokens":9000,"cache_write_input_tokens":3000,"output_tokens":260,"reasoning_output_tokens":50}}}}',
        '{"timestamp":"2026-07-06T08:00:04.000Z","type":"event_msg","payload":{"type":"token_count","info":{"service_tier":"flex","total_token_usage":{"input_tokens":12100,"cached_input_tokens":9000,"cache_write_input_tokens":3000,"output_tokens":270,"reasoning_output_tokens":50}}}}',
      ]);
      expect(
        records.map((r) => [r.tokens.input, r.tokens.cacheRead, r.tokens.cacheWrite, r.tokens.output]),
      ).toEqual([
        [1000, 6000, 3000, 200],
        // the difference of two totals: 2,000 more input of which 3,000 more cached — clamped to the input
        [0, 2000, 0, 60],
        [100, 0, 0, 10],
      ]);
      expect(records.map((r) => r.billing?.serviceTier)).toEqual(['priority', undefined, 'flex']);
    });

    it('reads on from a total stored by a build without cache writes', () => {
      const head = parse([meta(), count('2026-07-06T08:00:01.000Z', 100, null)]);
      const { cacheWrite: _none, ...older } = head.state.lastTotal ?? { cacheWrite: 0 };
      const tail = parseCodexLog(
        { file: 'x.jsonl', text: count('2026-07-06T08:00:02.000Z', 150, null), firstLine: 3 },
        { ...head.state, lastTotal: older as never },
      );
      expect(tail.records.map((r) => r.tokens.input)).toEqual([50]);
    });

    it('keeps remembering totals across chunks and from a state stored by an older build', () => {
      const lines = [
        meta(),
        count('2026-07-06T08:00:01.000Z', 100, 100),
        count('2026-07-06T08:00:03.000Z', 9000, 10),
      ];
      const head = parse(lines);
      const { recentTotals: _dropped, ...older } = head.state;
      const tail = parseCodexLog(
        { file: 'x.jsonl', text: count('2026-07-06T08:00:04.000Z', 100, 100), firstLine: 4 },
        head.state,
      );
      expect(tail.records).toEqual([]);
      const fromOlder = parseCodexLog(
        { file: 'x.jsonl', text: count('2026-07-06T08:00:04.000Z', 100, 100), firstLine: 4 },
        older,
      );
      // an older state knows only the latest total: the repeat counts, as it did before
      expect(fromOlder.records.map((r) => r.tokens.input)).toEqual([100]);
    });
  });

  it('reads codex exec --json usage lines with Chat Completions aliases, reporting those without a time', () => {
    const { records, problems } = parseWhole('exec-json');
    expect(records.map(brief)).toEqual([[388, 512, 40, 0, 'gpt-5.1-codex-mini']]);
    expect(records[0]?.hints.sessionId).toBe('0199d000-0000-7000-8000-0000000000f4');
    expect(problems).toEqual([
      {
        file: 'exec-json.jsonl',
        line: 4,
        field: 'timestamp',
        message: 'usage line without a timestamp (codex exec --json output): not counted',
      },
    ]);
  });

  describe('bad lines (bad-lines.jsonl)', () => {
    const expected = (file: string) => [
      { file, line: 4, field: null, message: 'invalid JSON' },
      { file, line: 5, field: 'payload.info.last_token_usage.input_tokens', message: 'negative token count' },
      {
        file,
        line: 6,
        field: 'payload.info.last_token_usage.input_tokens',
        message: 'Invalid input: expected number, received string',
      },
      {
        file,
        line: 7,
        field: 'payload.info',
        message: 'absurd token count 20001000 in one request (limit 10000000)',
      },
      { file, line: 8, field: null, message: 'invalid JSON' },
      { file, line: 9, field: 'timestamp', message: 'Invalid ISO datetime' },
      { file, line: 11, field: null, message: 'incomplete line (file still being written?)' },
    ];

    it('reports each with its file line and keeps the good records around them', () => {
      const { records, problems } = parseWhole('bad-lines', 'bad.jsonl');
      expect(records.map(brief)).toEqual([
        [800, 200, 50, 10, 'gpt-5.1-codex'],
        [1000, 1000, 30, 0, 'gpt-5.1-codex'],
      ]);
      expect(problems).toEqual(expected('bad.jsonl'));
    });

    it('numbers lines from firstLine when the chunk starts mid-file', () => {
      const lines = fixture('bad-lines').split('\n');
      const head = parseCodexLog(
        { file: 'bad.jsonl', text: lines.slice(0, 5).join('\n') + '\n', firstLine: 1 },
        undefined,
      );
      const tail = parseCodexLog(
        { file: 'bad.jsonl', text: lines.slice(5).join('\n'), firstLine: 6 },
        head.state,
      );
      expect([...head.problems, ...tail.problems]).toEqual(expected('bad.jsonl'));
    });
  });

  describe('chunked parsing equals whole parsing, split at every line boundary', () => {
    it.each(FIXTURES)('%s', (name) => {
      const text = fixture(name);
      const whole = parseCodexLog({ file: 'f.jsonl', text, firstLine: 1 }, undefined);
      const lines = text.split('\n');
      for (let k = 1; k < lines.length; k++) {
        const first = parseCodexLog(
          { file: 'f.jsonl', text: lines.slice(0, k).join('\n') + '\n', firstLine: 1 },
          undefined,
        );
        // the state is stored with the offset between runs: it must survive JSON
        const carried = JSON.parse(JSON.stringify(first.state)) as CodexLogState;
        const rest = parseCodexLog(
          { file: 'f.jsonl', text: lines.slice(k).join('\n'), firstLine: k + 1 },
          carried,
        );
        expect([...first.records, ...rest.records]).toEqual(whole.records);
        expect([...first.problems, ...rest.problems]).toEqual(whole.problems);
        expect(rest.state).toEqual(whole.state);
      }
    });
  });

  it('does not modify the state it was given', () => {
    const first = parseWhole('session');
    const snapshot = JSON.stringify(first.state);
    parseCodexLog({ file: 'f.jsonl', text: fixture('no-turn-context'), firstLine: 16 }, first.state);
    expect(JSON.stringify(first.state)).toBe(snapshot);
  });

  it.each([
    ['/home/ana/.codex/sessions/2026/07/02/rollout-2026-07-02T10-00-00-0199a1b2.jsonl', true],
    ['C:\\Users\\ana\\.codex\\archived_sessions\\rollout-2026-07-02T10-00-00-0199a1b2.jsonl', true],
    // a rollout under another name is read (its content tells), never skipped without a word
    ['/home/ana/.codex/sessions/2026/07/02/renamed.jsonl', true],
    ['/home/ana/.codex/history.jsonl', false],
    ['/home/ana/.codex/sessions/2026/07/02/rollout-x.json', false],
  ])('accepts %s: %s', (path, accepted) => {
    expect(codexLogSource.accept(path)).toBe(accepted);
    expect(codexLogSource).toMatchObject({ source: 'codex-logs', tool: 'codex', appendOnly: true });
  });
});

describe('response_item lines, told by their first bytes', () => {
  const meta = `{"timestamp":"2026-07-02T10:00:00.000Z","type":"session_meta","payload":{"id":"s-1","cwd":"/w"}}`;
  const event = (total: number) =>
    `{"timestamp":"2026-07-02T10:00:0${total}.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":${total * 100},"output_tokens":${total}}}}}`;
  const item = (text: string) =>
    `{"timestamp":"2026-07-02T10:00:01.000Z","type":"response_item","payload":{"type":"message","content":[{"type":"output_text","text":${JSON.stringify(text)}}]}}`;

  it('are never read for usage, even when their text names a token_count event, and are still checked as objects', () => {
    const text = [
      meta,
      event(1),
      item('{"type":"token_count","info":{"total_token_usage":{"input_tokens":999999}}} "usage"'),
      item('x').slice(0, -4), // cut before its closing brackets
      event(2),
    ].join('\n');
    const { records, problems } = parseCodexLog({ file: 'r.jsonl', text, firstLine: 1 }, undefined);
    expect(records.map((r) => [r.tokens.input, r.tokens.output])).toEqual([
      [100, 1],
      [100, 1],
    ]);
    expect(problems).toEqual([{ file: 'r.jsonl', line: 4, field: null, message: 'invalid JSON' }]);
  });
});
