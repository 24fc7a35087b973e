import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeChunk } from '../../../ingest/agent-logs/chunk.js';
import type { Problem } from '../../../domain/parse-result.js';
import { parseCodexBytes, parseCodexLog, plainTokenCount, type CodexLogState } from './parse.js';
import { tokenCountSchema } from './schema.js';
import type { LogParse } from '../log-parser.js';

/**
 * The byte reader (parseCodexBytes, which never decodes response_item lines) must give exactly what the text
 * reader gives on the same bytes decoded as the ingest decodes them: records, state and problems, line for
 * line. Checked on every Codex fixture, the real rollout (test/fixtures/real/codex, see ORIGIN.md), and on
 * them altered in the ways a byte reader could get wrong.
 */
const dir = (path: string) => new URL(`../../../../test/fixtures/${path}/`, import.meta.url);
const samples: [string, Buffer][] = [
  ...readdirSync(dir('codex')).map((f): [string, Buffer] => [f, readFileSync(new URL(f, dir('codex')))]),
  ...readdirSync(dir('real/codex')).map((f): [string, Buffer] => [
    `real ${f}`,
    readFileSync(new URL(f, dir('real/codex'))),
  ]),
];

/** What the ingest's text path gives: the chunk decoded (invalid UTF-8 blanked and reported), then parsed. */
function viaText(bytes: Buffer, state?: CodexLogState, firstLine = 1): LogParse<CodexLogState> {
  const problems: Problem[] = [];
  const text = decodeChunk(bytes, 'f.jsonl', firstLine, problems);
  const parsed = parseCodexLog({ file: 'f.jsonl', text, firstLine }, state);
  return { ...parsed, problems: sorted([...problems, ...parsed.problems]) };
}

function viaBytes(bytes: Buffer, state?: CodexLogState, firstLine = 1): LogParse<CodexLogState> {
  const parsed = parseCodexBytes({ file: 'f.jsonl', bytes, firstLine }, state);
  return { ...parsed, problems: sorted(parsed.problems) };
}

const sorted = (problems: Problem[]) => [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

/** A sample's lines, each changed by `edit` (its index given), joined again. */
function alter(bytes: Buffer, edit: (line: Buffer, i: number) => Buffer): Buffer {
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  const altered = lines.map((l, i) => edit(l, i));
  return Buffer.concat([...altered.flatMap((l) => [l, Buffer.from('\n')]), bytes.subarray(start)]);
}

const isResponseItem = (l: Buffer) => l.includes('"type":"response_item"');
const BAD_UTF8 = Buffer.from([0xc3, 0x28]);
const VARIANTS: [string, (bytes: Buffer) => Buffer][] = [
  ['as written', (b) => b],
  ['CRLF line ends', (b) => alter(b, (l) => Buffer.concat([l, Buffer.from('\r')]))],
  ['byte-order marks at the start', (b) => Buffer.concat([Buffer.from('\ufeff\ufeff'), b])],
  ['a byte-order mark on every line', (b) => alter(b, (l) => Buffer.concat([Buffer.from('\ufeff'), l]))],
  [
    'invalid UTF-8 inside response items and other lines',
    (b) =>
      alter(b, (l, i) =>
        i % 3 === 0 ? Buffer.concat([l.subarray(0, l.length - 2), BAD_UTF8, l.subarray(l.length - 2)]) : l,
      ),
  ],
  [
    'trailing spaces on response items',
    (b) => alter(b, (l) => (isResponseItem(l) ? Buffer.concat([l, Buffer.from('  ')]) : l)),
  ],
  [
    'response items cut short, or followed by more',
    (b) =>
      alter(b, (l, i) =>
        isResponseItem(l) ? (i % 2 ? l.subarray(0, l.length >> 1) : Buffer.concat([l, Buffer.from(',')])) : l,
      ),
  ],
  [
    'blank lines of spaces and of no-break spaces',
    (b) => alter(b, (l, i) => (i % 4 === 1 ? Buffer.from(i % 8 === 1 ? ' \t ' : '\u00a0 ') : l)),
  ],
  ['an unterminated last line', (b) => b.subarray(0, Math.max(0, b.length - 40))],
  [
    'a long timestamp on response items',
    (b) =>
      alter(b, (l) =>
        isResponseItem(l) ? Buffer.from(l.toString().replace(/Z"/, '0'.repeat(45) + 'Z"')) : l,
      ),
  ],
];

describe('the Codex byte reader gives what the text reader gives', () => {
  it('has samples, with response items among them', () => {
    expect(samples.length).toBeGreaterThanOrEqual(7);
    expect(samples.some(([, b]) => b.includes('"type":"response_item"'))).toBe(true);
  });

  for (const [name, variant] of VARIANTS)
    it(`on every sample, ${name}`, () => {
      for (const [file, original] of samples) {
        const bytes = variant(original);
        const expected = viaText(bytes);
        expect({ file, ...viaBytes(bytes) }).toEqual({ file, ...expected });
      }
    });

  it('in chunks of whole lines, the state carried from one to the next', () => {
    for (const [file, bytes] of samples) {
      const whole = viaText(bytes);
      const cut = bytes.indexOf(10, bytes.length >> 1) + 1;
      const first = viaBytes(bytes.subarray(0, cut));
      const firstLines = bytes.subarray(0, cut).toString().split('\n').length - 1;
      const second = viaBytes(bytes.subarray(cut), first.state, firstLines + 1);
      expect({ file, records: [...first.records, ...second.records], state: second.state }).toEqual({
        file,
        records: whole.records,
        state: whole.state,
      });
      expect([...first.problems, ...second.problems]).toEqual(whole.problems);
    }
  });
});

describe('a token_count payload checked by hand', () => {
  const fromSamples = samples.flatMap(([, b]) =>
    b
      .toString()
      .split('\n')
      .filter((l) => l.includes('"token_count"'))
      .flatMap((l) => {
        try {
          return [(JSON.parse(l) as { payload: unknown }).payload];
        } catch {
          return [];
        }
      }),
  );
  const usage = { input_tokens: 10, cached_input_tokens: 4, output_tokens: 3, reasoning_output_tokens: 1 };
  const odd: unknown[] = [
    { type: 'token_count', info: null },
    { type: 'token_count' },
    { type: 'token_count', info: [] },
    { type: 'token_count', info: { total_token_usage: null, last_token_usage: usage } },
    { type: 'token_count', info: { total_token_usage: { ...usage, input_tokens: -1 } } },
    { type: 'token_count', info: { total_token_usage: { ...usage, output_tokens: 1.5 } } },
    { type: 'token_count', info: { total_token_usage: { ...usage, output_tokens: '3' } } },
    { type: 'token_count', info: { total_token_usage: { ...usage, output_tokens: 2 ** 60 } } },
    { type: 'token_count', info: { total_token_usage: [1, 2] } },
    { type: 'token_count', info: { last_token_usage: usage, model: '', service_tier: 7 } },
    { type: 'token_count', info: { last_token_usage: usage, model: 'gpt-5.5', service_tier: 'flex' } },
    {
      type: 'token_count',
      info: { last_token_usage: { prompt_tokens: 5, completion_tokens: 2, extra: 'x' } },
    },
    { type: 'other', info: null },
    null,
    'token_count',
  ];

  it('is what the schema gives, or left to the schema', () => {
    expect(fromSamples.length).toBeGreaterThan(10);
    let plain = 0;
    for (const payload of [...fromSamples, ...odd]) {
      const byHand = plainTokenCount(payload);
      const schema = tokenCountSchema.safeParse(payload);
      if (byHand === undefined) continue;
      plain += 1;
      expect({ payload, parsed: schema.success ? schema.data : 'refused' }).toEqual({
        payload,
        parsed: byHand,
      });
    }
    // The hand check takes the usual shapes, and leaves every odd one the schema refuses to the schema.
    expect(plain).toBeGreaterThanOrEqual(fromSamples.length);
    for (const payload of odd)
      if (!tokenCountSchema.safeParse(payload).success) expect(plainTokenCount(payload)).toBeUndefined();
  });
});
