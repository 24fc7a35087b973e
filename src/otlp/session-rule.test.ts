import { describe, expect, it } from 'vitest';
import { NO_TOKENS, type UsageRecord } from '../domain/usage.js';
import { keepEventSessions } from './session-rule.js';

const rec = (
  id: string,
  granularity: 'request' | 'session',
  sessionId?: string,
  source = 'claude-code-otel',
): UsageRecord => ({
  id,
  source,
  stream: null,
  granularity,
  start: new Date(0),
  end: new Date(0),
  tool: null,
  provider: null,
  model: null,
  tokens: NO_TOKENS,
  requests: 0,
  cost: { amount: null, basis: 'list_estimate', priceRef: null },
  hints: { sessionId },
});

describe('keepEventSessions', () => {
  it('drops metric records of sessions with events in the batch or before it, keeps the rest', () => {
    const kept = keepEventSessions(
      [
        rec('event', 'request', 's1'),
        rec('metric-s1', 'session', 's1'),
        rec('metric-s2', 'session', 's2'),
        rec('metric-s3', 'session', 's3'),
        rec('metric-nosession', 'session'),
        rec('metric-other-source', 'session', 's1', 'gemini-cli-otel'),
      ],
      (source, session) => source === 'claude-code-otel' && session === 's2',
    );
    expect(kept.map((r) => r.id)).toEqual(['event', 'metric-s3', 'metric-nosession', 'metric-other-source']);
  });
});
