import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordId } from '../domain/ids.js';
import { decodeLogs } from './logs.js';
import { MalformedPayload } from './envelope.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/otlp/${name}`, import.meta.url), 'utf8'));

describe('decodeLogs: Claude Code api_request events', () => {
  const out = decodeLogs(fixture('claude-code-logs.json'), 'logs');

  it('makes one request record per api_request event, ignoring other events', () => {
    expect(out.items).toBe(4);
    expect(out.records.map((r) => r.dedupKey)).toEqual(['req_011CTestAAAA', 'req_011CTestBBBB']);
  });

  it('reads tokens, cost from the attribute text, identity, session and time', () => {
    const [a] = out.records;
    expect(a).toMatchObject({
      id: recordId('claude-code-otel', 'request', 'req_011CTestAAAA'),
      source: 'claude-code-otel',
      granularity: 'request',
      tool: 'claude-code',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      tokens: { input: 4, output: 412, cacheRead: 45211, cacheWrite: 1820, reasoning: 0 },
      requests: 1,
      cost: { basis: 'provider_reported' },
      hints: {
        actor: 'ana@example.com',
        sessionId: '3b1d6c1e-5a0b-4a57-9a0e-2f1b7c9d0e11',
        toolVersion: '2.1.140',
        machineId: '9a8b7c6d5e4f',
      },
    });
    expect(a?.cost.amount?.toFixed()).toBe('0.0267');
    expect(a?.start.toISOString()).toBe('2026-07-02T09:14:05.940Z');
  });

  it('accepts counts sent as strings or whole doubles, micro-dollars when cost_usd is absent, account uuid as actor', () => {
    const b = out.records[1];
    expect(b?.tokens).toMatchObject({ input: 310, output: 88 });
    expect(b?.cost.amount?.toFixed()).toBe('0.00075');
    expect(b?.hints.actor).toBe('1f2e3d4c-0000-4000-8000-000000000001');
  });

  it('rejects an event with a negative count, naming the field, and keeps the others', () => {
    expect(out.rejected).toBe(1);
    expect(out.problems[0]?.field).toBe('resourceLogs[0].scopeLogs[0].logRecords[3].attributes.input_tokens');
    expect(out.problems[0]?.message).toMatch(/negative/);
  });
});

describe('decodeLogs: Codex and Gemini CLI', () => {
  it('Codex response.completed: input net of cached tokens, reasoning inside output, no cost', () => {
    const out = decodeLogs(fixture('codex-logs.json'), 'logs');
    expect(out.records).toHaveLength(1);
    expect(out.records[0]).toMatchObject({
      source: 'codex-otel',
      tool: 'codex',
      provider: 'openai',
      model: 'gpt-5-codex',
      tokens: { input: 1760, cacheRead: 10240, cacheWrite: 0, output: 900, reasoning: 512 },
      cost: { amount: null, basis: 'list_estimate' },
      hints: {
        actor: 'bo@example.com',
        sessionId: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
        toolVersion: '0.58.0',
      },
    });
  });

  it('Gemini api_response: input net of cache plus tool prompt, thoughts added to output', () => {
    const out = decodeLogs(fixture('gemini-cli-logs.json'), 'logs');
    expect(out.records).toHaveLength(1);
    expect(out.records[0]).toMatchObject({
      source: 'gemini-cli-otel',
      provider: 'google',
      model: 'gemini-2.5-pro',
      tokens: { input: 3020, cacheRead: 5000, output: 900, reasoning: 300 },
      hints: { actor: 'cy@example.com', sessionId: 'gem-session-1', machineId: 'inst-42' },
    });
  });

  it('gives the same ids to the same events decoded twice (a retried export)', () => {
    const a = decodeLogs(fixture('codex-logs.json'), 'logs').records.map((r) => r.id);
    const b = decodeLogs(fixture('codex-logs.json'), 'logs').records.map((r) => r.id);
    expect(a).toEqual(b);
  });
});

describe('decodeLogs: envelope', () => {
  it.each([
    ['a string', '"hello"', '$'],
    ['resourceLogs not an array', '{"resourceLogs":{}}', 'resourceLogs'],
    ['a scope that is not an object', '{"resourceLogs":[{"scopeLogs":[3]}]}', 'resourceLogs[0].scopeLogs[0]'],
    [
      'bad resource attributes',
      '{"resourceLogs":[{"resource":{"attributes":[{"value":{}}]}}]}',
      'resourceLogs[0].resource.attributes[0].key',
    ],
  ])('throws MalformedPayload for %s, naming the path', (_name, json, path) => {
    expect(() => decodeLogs(JSON.parse(json), 'logs')).toThrow(MalformedPayload);
    try {
      decodeLogs(JSON.parse(json), 'logs');
    } catch (e) {
      expect((e as MalformedPayload).path).toBe(path);
    }
  });

  it('accepts an empty request and ignores unknown fields', () => {
    expect(decodeLogs({}, 'logs').records).toEqual([]);
    expect(decodeLogs({ resourceLogs: [{ whatever: 1, scopeLogs: [] }] }, 'logs').rejected).toBe(0);
  });

  it('takes the event name from eventName and the time from timeUnixNano when event.timestamp is absent', () => {
    const doc = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  eventName: 'api_request',
                  timeUnixNano: '1783000000000000000',
                  attributes: [
                    { key: 'request_id', value: { stringValue: 'req_x' } },
                    { key: 'cost_usd', value: { stringValue: '0.10' } },
                    { key: 'output_tokens', value: { intValue: 5 } },
                  ],
                },
                {
                  eventName: 'api_request',
                  attributes: [{ key: 'request_id', value: { stringValue: 'req_y' } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const out = decodeLogs(doc, 'logs');
    expect(out.records.map((r) => r.start.getTime())).toEqual([1_783_000_000_000]);
    expect(out.records[0]?.cost.amount?.toFixed(2)).toBe('0.10');
    expect(out.problems.map((p) => p.message)).toEqual(['claude_code.api_request without a time']);
  });
});
