import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClaudeCodeLog } from './parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/claude-code/${name}`, import.meta.url), 'utf8');

describe('Claude Code transcripts', () => {
  it('counts the two content-block lines of one response once, with the final output count (§1.1)', () => {
    const { records, problems } = parseClaudeCodeLog(fixture('one-response-two-blocks.jsonl'), 'a.jsonl');
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    const r = records[0];
    expect(r).toMatchObject({
      source: 'claude-code-logs',
      stream: null,
      granularity: 'request',
      tool: 'claude-code',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      requests: 1,
      dedupKey: 'req_011CTestAAAA',
      tokens: { input: 4, cacheRead: 45211, cacheWrite: 1820, output: 412, reasoning: 0 },
      cost: { amount: null, basis: 'list_estimate', priceRef: null },
      hints: {
        sessionId: '3b1d6c1e-5a0b-4a57-9a0e-2f1b7c9d0e11',
        cwd: '/home/ana/src/billing',
        branch: 'feat/invoices',
        toolVersion: '2.1.140',
      },
    });
    expect(r?.start.toISOString()).toBe('2026-07-02T09:14:03.112Z');
    expect(r?.end.toISOString()).toBe('2026-07-02T09:14:05.940Z');
    // Only metadata is kept: the content blocks (thinking, the edit) never reach the record.
    expect(JSON.stringify(r)).not.toMatch(/signature|file_path|tool_use/);
  });

  it('gives the same response the same id in any file and any line order (resumed sessions count once)', () => {
    const text = fixture('one-response-two-blocks.jsonl');
    const reversed = text.trimEnd().split('\n').reverse().join('\n') + '\n';
    const a = parseClaudeCodeLog(text, 'a.jsonl').records;
    const b = parseClaudeCodeLog(reversed, 'b.jsonl').records;
    expect(b).toEqual(a);
  });

  describe('skips and duplicates', () => {
    const { records, problems } = parseClaudeCodeLog(fixture('skips-and-duplicates.jsonl'), 's.jsonl');

    it.each([
      ['no problems for valid non-usage lines (summary, user)', () => expect(problems).toEqual([])],
      [
        'the synthetic error line is skipped; proxy ×3 + original + its sidechain replay + costUSD = 3 records',
        () => expect(records).toHaveLength(3),
      ],
      [
        'a proxy response without requestId, written 3 times, counts once and has no dedup key',
        () => {
          const proxy = records.filter((r) => r.model === 'claude-opus-4-6');
          expect(proxy).toHaveLength(1);
          expect(proxy[0]?.dedupKey).toBeUndefined();
          expect(proxy[0]?.tokens.input).toBe(1200);
          expect(proxy[0]?.hints.branch).toBeUndefined();
        },
      ],
      [
        'a sidechain replay (same message.id, new requestId) is collapsed into the original',
        () => expect(records.filter((r) => r.dedupKey === 'req_011CTestCCCC')).toEqual([]),
      ],
      [
        'costUSD is kept as the provider-reported amount, exactly',
        () => {
          const priced = records.find((r) => r.dedupKey === 'req_011CTestDDDD');
          expect(priced?.cost.basis).toBe('provider_reported');
          expect(priced?.cost.priceRef).toBe('claude-code-costUSD');
          expect(priced?.cost.amount?.toString()).toBe('0.0123');
        },
      ],
      [
        '"" and HEAD are not branches',
        () => expect(records.map((r) => r.hints.branch)).toEqual([undefined, 'fix/retries', 'fix/retries']),
      ],
    ])('%s', (_name, check) => check());
  });

  it('reports bad lines with their numbers and keeps the good ones around them', () => {
    const { records, problems } = parseClaudeCodeLog(fixture('bad-lines.jsonl'), 'bad.jsonl');
    expect(records.map((r) => r.dedupKey)).toEqual(['req_011CTestGood1', 'req_011CTestGood2']);
    expect(problems).toEqual([
      { file: 'bad.jsonl', line: 2, field: null, message: 'invalid JSON' },
      { file: 'bad.jsonl', line: 3, field: 'message.usage.input_tokens', message: 'negative token count' },
      {
        file: 'bad.jsonl',
        line: 4,
        field: 'message.usage',
        message: 'absurd token count 20001020 in one request (limit 10000000)',
      },
      {
        file: 'bad.jsonl',
        line: 5,
        field: 'message.usage.input_tokens',
        message: 'Invalid input: expected number, received string',
      },
      { file: 'bad.jsonl', line: 6, field: null, message: 'invalid JSON' },
      { file: 'bad.jsonl', line: 8, field: null, message: 'incomplete line (file still being written?)' },
    ]);
  });

  it('accepts a complete last line without its newline, and CRLF line ends', () => {
    const text = fixture('one-response-two-blocks.jsonl').trimEnd().replace('\n', '\r\n');
    const { records, problems } = parseClaudeCodeLog(text, 'crlf.jsonl');
    expect(problems).toEqual([]);
    expect(records[0]?.tokens.output).toBe(412);
  });
});
