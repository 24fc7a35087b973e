import { describe, expect, it } from 'vitest';
import { parseClaudeCodeLog } from './parse.js';

// The two-lines-one-response example of reference/sources.md §1.1 (values invented there).
const block = (uuid: string, content: string, output: number, extra = '') =>
  `{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/ana/src/billing","sessionId":"3b1d6c1e-5a0b-4a57-9a0e-2f1b7c9d0e11","version":"2.1.140","gitBranch":"feat/invoices","type":"assistant","uuid":"${uuid}","timestamp":"2026-07-02T09:14:05.940Z"${extra},"message":{"id":"msg_01TestXYZ","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[${content}],"stop_reason":null,"usage":{"input_tokens":4,"cache_creation_input_tokens":1820,"cache_read_input_tokens":45211,"cache_creation":{"ephemeral_5m_input_tokens":1820,"ephemeral_1h_input_tokens":0},"output_tokens":${output},"service_tier":"standard"}}}`;
const withReq = ',"requestId":"req_011CTestAAAA"';

describe('Claude Code transcripts', () => {
  it('counts one response written as two content-block lines once, keeping the final output count', () => {
    const text =
      [block('a1', '{"type":"thinking"}', 3, withReq), block('a2', '{"type":"tool_use"}', 412, withReq)].join(
        '\n',
      ) + '\n';
    const { records, problems } = parseClaudeCodeLog(text, 'a.jsonl');
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]?.tokens).toEqual({
      input: 4,
      cacheRead: 45211,
      cacheWrite: 1820,
      output: 412,
      reasoning: 0,
    });
    expect(records[0]?.hints).toMatchObject({
      repo: 'billing',
      branch: 'feat/invoices',
      sessionId: '3b1d6c1e-5a0b-4a57-9a0e-2f1b7c9d0e11',
    });
    expect(records[0]?.cost).toEqual({ amount: null, basis: 'list_estimate', priceRef: null });
  });

  it('dedups a proxy response without requestId on message.id alone', () => {
    const line = block('p', '{"type":"text"}', 50);
    expect(parseClaudeCodeLog([line, line, line].join('\n') + '\n', 'p.jsonl').records).toHaveLength(1);
  });

  it('gives the same id to the same response in two files (resumed sessions count once when stored)', () => {
    const a = parseClaudeCodeLog(block('x', '{"type":"text"}', 9, withReq) + '\n', 'a.jsonl').records[0];
    const b = parseClaudeCodeLog(block('y', '{"type":"text"}', 9, withReq) + '\n', 'b.jsonl').records[0];
    expect(a?.id).toBe(b?.id);
  });

  it('skips synthetic messages and keeps costUSD as provider-reported', () => {
    const synthetic = block('s', '{"type":"text"}', 0, withReq).replace('claude-sonnet-4-6', '<synthetic>');
    const priced = block('c', '{"type":"text"}', 10, ',"requestId":"req_2","costUSD":0.0123');
    const { records } = parseClaudeCodeLog(`${synthetic}\n${priced}\n`, 'c.jsonl');
    expect(records).toHaveLength(1);
    expect(records[0]?.cost.basis).toBe('provider_reported');
    expect(records[0]?.cost.amount?.toString()).toBe('0.0123');
  });

  it('reports bad lines with their numbers and keeps the good ones', () => {
    const good = block('g', '{"type":"text"}', 10, withReq);
    const negative = block('n', '{"type":"text"}', 10, ',"requestId":"req_neg"').replace(
      '"input_tokens":4',
      '"input_tokens":-4',
    );
    const absurd = block('z', '{"type":"text"}', 10, ',"requestId":"req_big"').replace(
      '"output_tokens":10',
      '"output_tokens":20000000',
    );
    const text = [good, '{not json', negative, absurd, good.slice(0, 80)].join('\n');
    const { records, problems } = parseClaudeCodeLog(text, 'bad.jsonl');
    expect(records).toHaveLength(1);
    expect(problems.map((p) => [p.line, p.message.split(' ')[0]])).toEqual([
      [2, 'invalid'],
      [3, 'Too'],
      [4, 'absurd'],
      [5, 'incomplete'],
    ]);
  });
});
