import { BUNDLE_FORMAT, BUNDLE_VERSION } from '../../src/ingest/agent-logs/bundle.js';

/** The header line of a bundle of `requests` requests from one machine and person. */
export function bundleHeader(requests: number, user: string | null = 'dev@example.com'): string {
  return JSON.stringify({
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    machineId: 'm:0123456789abcdef',
    user,
    createdAt: '2026-11-01T00:00:00.000Z',
    requests,
  });
}

/**
 * Request `n` of a bundle, as `export-logs` writes it: input n and output 10n tokens on day 1 + n % 9 of
 * October 2026; an even n carries a reported cost of $0.01.
 */
export function bundleRequest(n: number): string {
  return JSON.stringify({
    id: n.toString(16).padStart(32, '0'),
    source: 'claude-code-logs',
    tool: 'claude-code',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    collapse_key: `msg_${n}`,
    replica: false,
    start_at: `2026-10-0${1 + (n % 9)}T10:00:00.000Z`,
    end_at: `2026-10-0${1 + (n % 9)}T10:00:01.000Z`,
    input_tokens: n,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    output_tokens: 10 * n,
    reasoning_tokens: 0,
    reported_cost: n % 2 === 0 ? '0.0100000000' : null,
    price_ref: n % 2 === 0 ? 'claude-code-costUSD' : null,
    dedup_key: `req_${n}`,
    session_id: 'sess-1',
    cwd: '/home/dev/src/app',
    repo: null,
    branch: 'main',
    tool_version: '2.1.0',
  });
}
