import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnvoyAccessLog } from './parse.js';

/**
 * test/fixtures/envoy-ai-gateway/access.log: line 1 is the LLM entry and line 2 the MCP entry Envoy AI Gateway
 * documents (site/docs/capabilities/observability/accesslogs.md, envoyproxy/ai-gateway @ c217da8a), as printed;
 * lines 3–8 follow examples/access-log/basic.yaml's format with the cache fields and the client id docs/sources.md
 * tells to add, a refused request (429, no usage), a broken line, a negative count and line 3 logged again.
 * Expected values are worked out by hand from those lines.
 */
const FILE = 'access.log';
const text = readFileSync(
  new URL('../../../../test/fixtures/envoy-ai-gateway/access.log', import.meta.url),
  'utf8',
);

describe('Envoy AI Gateway access log', () => {
  const { records, problems } = parseEnvoyAccessLog(text, FILE, {
    providers: { 'default/anthropic': 'anthropic', 'default/openai': 'openai' },
  });
  const byModel = new Map(records.map((r) => [r.model, r]));

  it('one record per LLM request with usage, each once (the repeated line merges, MCP and refused lines carry none)', () => {
    expect(records.map((r) => r.model).sort()).toEqual([
      'claude-sonnet-4-5-20250929',
      'gpt-4o-mini',
      'o4-mini-2025-04-16',
    ]);
  });

  it('reads the documented entry: tokens, model, times, route', () => {
    const r = byModel.get('gpt-4o-mini');
    expect(r).toMatchObject({
      source: 'envoy-ai-gateway',
      granularity: 'request',
      tool: null,
      provider: null,
      tokens: { input: 15, cacheRead: 0, cacheWrite: 0, output: 7, reasoning: 0 },
      requests: 1,
      cost: { amount: null, basis: 'list_estimate' },
      hints: { workspace: 'default/aigw-run' },
    });
    expect(r?.start.toISOString()).toBe('2025-08-30T16:51:37.894Z');
    expect(r?.end.toISOString()).toBe('2025-08-30T16:51:39.420Z');
  });

  it("takes cache reads and writes out of the gateway's inclusive input, reasoning as part of output", () => {
    expect(byModel.get('claude-sonnet-4-5-20250929')).toMatchObject({
      provider: 'anthropic',
      tokens: { input: 110, cacheRead: 45000, cacheWrite: 3100, output: 912, reasoning: 0 },
      hints: { keyId: 'svc-triage-bot', sessionId: 'sess-7f3a', workspace: 'platform/claude-route' },
    });
    const o = byModel.get('o4-mini-2025-04-16');
    expect(o).toMatchObject({
      provider: 'openai',
      tokens: { input: 176, cacheRead: 1024, cacheWrite: 0, output: 800, reasoning: 640 },
      hints: { keyId: 'ana-laptop', workspace: 'platform/openai-route' },
    });
    expect((o?.end.getTime() ?? 0) - (o?.start.getTime() ?? 0)).toBe(2300);
  });

  it('reports each bad line with its number and field, keeping the rest', () => {
    expect(problems.map((p) => [p.file, p.line, p.field, p.message])).toEqual([
      [FILE, 6, null, 'invalid JSON (expected one JSON access-log entry per line)'],
      [FILE, 7, 'gen_ai.usage.output_tokens', 'negative token count'],
    ]);
  });

  it('reads the key from another field when the log names it so', () => {
    const line = JSON.stringify({
      start_time: '2026-11-02T09:14:03.120Z',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 2,
      'x-request-id': 'r1',
      tenant: 'team-a-key',
    });
    const {
      records: [r],
    } = parseEnvoyAccessLog(line, FILE, { keyField: 'tenant' });
    expect(r?.hints.keyId).toBe('team-a-key');
  });
});
