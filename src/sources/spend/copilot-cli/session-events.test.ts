import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usd } from '../../../domain/money.js';
import { copilotCollapseKey } from '../../../domain/copilot-collapse.js';
import { copilotCliLogSource } from './index.js';
import { parseCopilotCliLog, type CopilotCliLogState } from './parse.js';

const REAL = '../../../../test/fixtures/real/copilot-cli/session-state';
const real = (session: string) => {
  const file = `/home/dev/.copilot/session-state/${session}/events.jsonl`;
  const text = readFileSync(new URL(`${REAL}/${session}/events.jsonl`, import.meta.url), 'utf8');
  return parseCopilotCliLog({ file, text, firstLine: 1 }, undefined);
};
const parse = (lines: unknown[], file = '/h/.copilot/session-state/s-1/events.jsonl') =>
  parseCopilotCliLog({ file, text: lines.map((l) => JSON.stringify(l)).join('\n'), firstLine: 1 }, undefined);

const shutdown = (
  at: string,
  metrics: Record<string, unknown>,
  startMs = Date.parse('2026-08-01T09:00:00Z'),
) => ({
  type: 'session.shutdown',
  data: { shutdownType: 'routine', sessionStartTime: startMs, modelMetrics: metrics },
  id: `e-${at}`,
  timestamp: at,
  parentId: null,
});
const metric = (count: number, cost: number, input: number, cacheRead: number, output: number) => ({
  requests: { count, cost },
  usage: { inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: 0 },
});

describe('Copilot CLI session-state events.jsonl (read by default)', () => {
  it('reads a real premium-request session: tokens by kind as the shutdown reports them, 3 premium requests at $0.04', () => {
    const { records, problems } = real('483cab8f-8266-4485-8910-acdb65538afb');
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    const [r] = records;
    // inputTokens 6,809,967 includes the 6,398,393 cache reads: 411,574 uncached
    expect(r?.tokens).toEqual({
      input: 411_574,
      cacheRead: 6_398_393,
      cacheWrite: 0,
      output: 63_124,
      reasoning: 0,
    });
    expect(r).toMatchObject({
      source: 'copilot-cli-logs',
      granularity: 'session',
      tool: 'copilot-cli',
      provider: 'github',
      model: 'claude-sonnet-4.5',
      requests: 180,
      start: new Date(1773980494033),
      end: new Date('2026-03-20T07:14:38.325Z'),
      units: { premiumRequests: '3' },
      hints: { sessionId: '483cab8f-8266-4485-8910-acdb65538afb' },
      collapse: { key: 'copilot-cli:483cab8f-8266-4485-8910-acdb65538afb:claude-sonnet-4-5', replica: true },
    });
    expect(r?.cost.amount?.toString()).toBe('0.12');
    expect(r?.cost.basis).toBe('provider_reported');
    expect(r?.cost.priceRef).toBe('github-premium-requests:3@0.04 (github-list)');
  });

  it('reads a real usage-billed session: its AI credits are its cost (6.0564 credits = $0.060564)', () => {
    const { records, problems } = real('00000000-0000-4000-8000-000000000001');
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.model, r.requests, r.tokens])).toEqual([
      ['claude-sonnet-5', 1, { input: 2, cacheRead: 0, cacheWrite: 24_208, output: 4, reasoning: 0 }],
    ]);
    expect(records[0]?.cost.amount?.toString()).toBe('0.060564');
    expect(records[0]?.hints).toMatchObject({ toolVersion: '1.0.75' });
  });

  it('gives every shutdown of a resumed session the same record per model, so the latest total stands', () => {
    const first = shutdown('2026-08-01T10:00:00Z', { 'gpt-5.4': metric(4, 1, 1000, 600, 50) });
    const resumed = {
      type: 'session.resume',
      data: { eventCount: 12, context: { cwd: '/w/api', branch: 'feat/x' } },
      id: 'r',
      timestamp: '2026-08-02T08:00:00Z',
    };
    const second = shutdown('2026-08-02T09:00:00Z', {
      'gpt-5.4': metric(9, 2.5, 3000, 2000, 120),
      'claude-sonnet-4.5': metric(2, 2, 500, 0, 40),
    });
    const { records } = parse([first, resumed, second]);
    const ids = records.map((r) => r.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[1]);
    expect(records[1]).toMatchObject({
      requests: 9,
      units: { premiumRequests: '2.5' },
      hints: { cwd: '/w/api', branch: 'feat/x' },
    });
    expect(records[1]?.tokens).toMatchObject({ input: 1000, cacheRead: 2000, output: 120 });
  });

  it('keeps fractional premium requests exact, and prices them at the rate given', () => {
    const { records } = parse([
      shutdown('2026-08-01T10:00:00Z', { 'claude-opus-4.6': metric(27, 40.5, 100, 0, 10) }),
    ]);
    expect(records[0]?.units?.premiumRequests).toBe('40.5');
    expect(records[0]?.cost.amount?.toString()).toBe('1.62');
    expect(
      usd(records[0]?.units?.premiumRequests ?? 0)
        .mul('0.0333')
        .toString(),
    ).toBe('1.34865');
  });

  it('names the session after its folder when the start event is not in the file', () => {
    const { records } = parse(
      [shutdown('2026-08-01T10:00:00Z', { 'gpt-5-mini': metric(1, 0, 10, 0, 1) })],
      'C:\\u\\.copilot\\session-state\\abc-123\\events.jsonl',
    );
    expect(records[0]?.hints.sessionId).toBe('abc-123');
  });

  it('reports a bad model metric by its field; the next shutdown of the session still counts', () => {
    const { records, problems } = parse([
      shutdown('2026-08-01T10:00:00Z', { 'gpt-5.4': { usage: { inputTokens: -5 } } }),
      shutdown('2026-08-01T11:00:00Z', { 'gpt-5.4': metric(1, 1, 10, 0, 1) }),
    ]);
    expect(problems).toEqual([
      {
        file: '/h/.copilot/session-state/s-1/events.jsonl',
        line: 1,
        field: 'data.modelMetrics.gpt-5.4.usage.inputTokens',
        message: 'negative token count',
      },
    ]);
    expect(records).toHaveLength(1);
  });

  it('shares its collapse key with the spans of the same session and model, which are the originals', () => {
    expect(copilotCollapseKey('s', 'claude-sonnet-4.5')).toBe(
      copilotCollapseKey('s', 'claude-sonnet-4-5-20250929'),
    );
    expect(copilotCollapseKey('s', 'gpt-5.4')).not.toBe(copilotCollapseKey('s', 'gpt-5'));
    const span = {
      type: 'span',
      traceId: 't',
      spanId: 'a',
      name: 'chat claude-sonnet-4.5',
      startTime: [1785353190, 0],
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.conversation.id': '00000000-0000-4000-8000-000000000001',
        'gen_ai.response.model': 'claude-sonnet-5',
        'gen_ai.usage.input_tokens': 24210,
        'gen_ai.usage.cache_write.input_tokens': 24208,
        'gen_ai.usage.output_tokens': 4,
        'github.copilot.nano_aiu': 6056400000,
        'github.copilot.cost': 1,
      },
    };
    const spans = parseCopilotCliLog(
      { file: '/h/.copilot/otel/x.jsonl', text: JSON.stringify(span), firstLine: 1 },
      undefined,
    );
    const events = real('00000000-0000-4000-8000-000000000001');
    expect(spans.records[0]?.collapse).toEqual({ key: events.records[0]?.collapse?.key, replica: false });
    expect(spans.records[0]?.tokens).toEqual(events.records[0]?.tokens);
    expect(spans.records[0]?.cost.amount?.toString()).toBe('0.060564');
  });

  it('says so when a file holds nothing of Copilot CLI, instead of reading as no usage', () => {
    const text = '{"hello":"world"}\n{"type":"note","text":"x"}\n';
    const { records, problems, state } = parseCopilotCliLog(
      { file: 'x.jsonl', text, firstLine: 1 },
      undefined,
    );
    expect([records, problems]).toEqual([[], []]);
    expect(copilotCliLogSource.unrecognised?.(state)).toMatch(/not a Copilot CLI log/);
    const events = real('483cab8f-8266-4485-8910-acdb65538afb');
    expect(copilotCliLogSource.unrecognised?.(events.state)).toBeNull();
  });

  it('parses in chunks as it parses whole, split at every line', () => {
    const lines = [
      {
        type: 'session.start',
        data: { sessionId: 's-9', copilotVersion: '1.0.80', context: { cwd: '/w', branch: 'main' } },
        id: 'a',
        timestamp: '2026-08-01T09:00:00Z',
      },
      shutdown('2026-08-01T10:00:00Z', { 'gpt-5.4': metric(4, 1, 1000, 600, 50) }),
      shutdown('2026-08-01T11:00:00Z', { 'gpt-5.4': metric(5, 1.33, 1200, 600, 70) }),
    ].map((l) => JSON.stringify(l));
    const file = '/h/.copilot/session-state/s-9/events.jsonl';
    const whole = parseCopilotCliLog({ file, text: lines.join('\n'), firstLine: 1 }, undefined);
    for (let k = 1; k < lines.length; k++) {
      const head = parseCopilotCliLog(
        { file, text: lines.slice(0, k).join('\n') + '\n', firstLine: 1 },
        undefined,
      );
      const carried = JSON.parse(JSON.stringify(head.state)) as CopilotCliLogState;
      const tail = parseCopilotCliLog({ file, text: lines.slice(k).join('\n'), firstLine: k + 1 }, carried);
      expect([...head.records, ...tail.records]).toEqual(whole.records);
    }
  });
});
