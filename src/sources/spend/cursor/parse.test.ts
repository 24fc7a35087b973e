import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseModel, parseCursorUsageEvents, providerOfModel } from './parse.js';

const page: unknown = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/cursor/filtered-usage-events.json', import.meta.url),
    'utf8',
  ),
);
const ctx = { file: 'events.json', team: 'acme' };

describe('Cursor filtered usage events', () => {
  const { records, problems } = parseCursorUsageEvents(page, ctx);

  it.each([
    // [email, time, stream, provider, model, tokens (in/read/write/out), dollars, basis]
    [
      'usage-based with chargedCents: the charge, to the team stream',
      [
        '2026-07-01T10:00:00.000Z',
        'cursor:acme',
        'anthropic',
        'claude-sonnet-4-5',
        [2210, 96000, 18000, 640],
      ],
      ['0.1371', 'provider_reported'],
    ],
    [
      'included, not token-based: the seat stream, one request, no tokens, to be allocated',
      ['2026-07-01T09:43:20.000Z', null, 'openai', 'gpt-5', [0, 0, 0, 0]],
      [null, 'list_estimate'],
    ],
    [
      'newer kind value, string epoch and string numbers: coerced; totalCents when no chargedCents',
      ['2026-07-01T10:20:34.567Z', null, 'google', 'gemini-2.5-pro', [5120, 40960, 0, 310]],
      ['0.030175', 'provider_reported'],
    ],
    [
      'o-series is OpenAI',
      ['2026-07-01T10:33:20.000Z', 'cursor:acme', 'openai', 'o3', [100, 0, 0, 50]],
      ['0.001', 'provider_reported'],
    ],
  ] as const)(
    '%s',
    (_name, [time, stream, provider, model, [input, cacheRead, cacheWrite, output]], cost) => {
      const r = records.find((x) => x.start.toISOString() === time);
      expect(r).toMatchObject({
        source: 'cursor-usage-events',
        tool: 'cursor',
        granularity: 'request',
        requests: 1,
        stream,
        provider,
        model,
        tokens: { input, cacheRead, cacheWrite, output, reasoning: 0 },
      });
      expect([r?.cost.amount?.toString() ?? null, r?.cost.basis]).toEqual(cost);
      if (cost[0] !== null) expect(r?.cost.priceRef).toBe('cursor-usage-events');
      expect(r?.end).toEqual(r?.start);
    },
  );

  it('reports bad events by path and keeps the others', () => {
    expect(records).toHaveLength(4);
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      ['events.json', null, 'usageEvents[4].timestamp'],
      ['events.json', null, 'usageEvents[5].tokenUsage.inputTokens'],
    ]);
    expect(problems.map((p) => p.message)).toEqual(['expected epoch milliseconds', 'negative token count']);
  });

  it('names the person, and gives stable distinct ids', () => {
    expect(records.map((r) => r.hints.actor)).toEqual([
      'ana@example.com',
      'ana@example.com',
      'li@example.com',
      'li@example.com',
    ]);
    const again = parseCursorUsageEvents(page, ctx).records.map((r) => r.id);
    expect(records.map((r) => r.id)).toEqual(again);
    expect(new Set(again).size).toBe(4);
  });

  it('a body that is not a page is one problem', () => {
    expect(parseCursorUsageEvents({ error: 'Unauthorized' }, ctx)).toEqual({
      records: [],
      problems: [
        {
          file: 'events.json',
          line: null,
          field: 'usageEvents',
          message: 'expected a page of usage events',
          wholePage: true,
        },
      ],
    });
  });

  it.each([
    ['claude-4.5-sonnet', 'claude-sonnet-4-5', 'anthropic'],
    ['claude-4-opus-thinking', 'claude-opus-4-thinking', 'anthropic'],
    ['gpt-5-codex', 'gpt-5-codex', 'openai'],
    ['o4-mini', 'o4-mini', 'openai'],
    ['gemini-2.5-flash', 'gemini-2.5-flash', 'google'],
    ['cursor-small', 'cursor-small', null],
  ])('model %s → %s (%s)', (raw, model, provider) => {
    expect([normaliseModel(raw), providerOfModel(raw)]).toEqual([model, provider]);
  });
});
