import { createHash } from 'node:crypto';
import { recordId } from '../../../domain/ids.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import { MAX_TOKENS_PER_REQUEST } from '../../../domain/record-bounds.js';
import { fromInclusiveInput } from '../../../domain/token-semantics.js';
import { totalTokens, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue } from '../../each-item.js';
import { INCOMPLETE_LINE, nonBlankLines } from '../../lines.js';
import { accessLogLineSchema, type AccessLogLine } from './schema.js';

export const SOURCE = 'envoy-ai-gateway';

export interface EnvoyAccessLogOptions {
  /**
   * The log field naming the client's key: a header the access log copies, such as Envoy Gateway's API-key
   * authentication's `forwardClientIDHeader` (`x-client-id: "%REQ(X-CLIENT-ID)%"`). Its value is the key id
   * `keys:` in mileage.yaml maps to a team, person and workflow (stored hashed). Default `x-client-id`.
   */
  keyField?: string;
  /** Backend name (`gen_ai.provider.name`) → provider, for pricing: `{ "default/openai": "openai" }`. */
  providers?: Record<string, string>;
}

/**
 * Envoy AI Gateway's access log (JSON lines, schema.ts): one usage record per LLM request with usage, id from
 * Envoy's `x-request-id` (else the line's hash, so a log read twice stores each request once). The route
 * (`route_name`: `httproute/<namespace>/<AIGatewayRoute>/rule/<n>/match/<n>/…`) is kept as the record's
 * workspace (`<namespace>/<route>`), the key as its key id, `session.id` as its session. Lines without any
 * usage (MCP calls, requests refused before a backend answered, other routes' traffic) are not requests with
 * usage and are passed over; a bad line is reported with its line number and field, the others kept.
 */
export function parseEnvoyAccessLog(
  text: string,
  file: string,
  options: EnvoyAccessLogOptions = {},
): ParseResult<UsageRecord> {
  const keyField = options.keyField ?? 'x-client-id';
  const records = new Map<string, UsageRecord>();
  const problems: Problem[] = [];
  for (const { line, text: raw, unterminated } of nonBlankLines(text)) {
    const report = (field: string | null, message: string) => problems.push({ file, line, field, message });
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      report(
        null,
        unterminated ? INCOMPLETE_LINE : 'invalid JSON (expected one JSON access-log entry per line)',
      );
      continue;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      report(null, 'expected a JSON object');
      continue;
    }
    const parsed = accessLogLineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = describeIssue(parsed.error);
      report(issue.field, issue.message);
      continue;
    }
    const l = parsed.data;
    const usage = usageOf(l);
    if (!usage) continue;
    const tokens = fromInclusiveInput(usage);
    if (totalTokens(tokens) > MAX_TOKENS_PER_REQUEST) {
      report('gen_ai.usage.input_tokens', `absurd token count ${totalTokens(tokens)} in one request`);
      continue;
    }
    const key = (json as Record<string, unknown>)[keyField];
    const start = new Date(l.start_time);
    const backend = l['gen_ai.provider.name'] ?? null;
    const record: UsageRecord = {
      id: recordId(SOURCE, l['x-request-id'] ?? createHash('sha256').update(raw).digest('hex')),
      source: SOURCE,
      stream: null,
      granularity: 'request',
      start,
      end: new Date(start.getTime() + (l.duration ?? 0)),
      tool: null,
      provider: backend ? (options.providers?.[backend] ?? null) : null,
      model:
        l['gen_ai.response.model'] ?? l['gen_ai.request.model_override'] ?? l['gen_ai.request.model'] ?? null,
      tokens,
      requests: 1,
      cost: { amount: null, basis: 'list_estimate', priceRef: null },
      hints: {
        ...(typeof key === 'string' && key !== '' && key !== '-' ? { keyId: key } : {}),
        ...(l['session.id'] ? { sessionId: l['session.id'] } : {}),
        ...(routeOf(l.route_name) ? { workspace: routeOf(l.route_name) as string } : {}),
      },
    };
    records.set(record.id, record);
  }
  return { records: [...records.values()], problems };
}

/** The line's usage in the inclusive meaning, or null when the gateway recorded none. */
function usageOf(l: AccessLogLine) {
  const input = l['gen_ai.usage.input_tokens'];
  const output = l['gen_ai.usage.output_tokens'];
  if ((input === null || input === undefined) && (output === null || output === undefined)) return null;
  return {
    input: input ?? 0,
    output: output ?? 0,
    cacheRead: l['gen_ai.usage.cache_read.input_tokens'] ?? l['gen_ai.usage.cached_input_tokens'] ?? 0,
    cacheWrite:
      l['gen_ai.usage.cache_creation.input_tokens'] ?? l['gen_ai.usage.cache_creation_input_tokens'] ?? 0,
    reasoning: l['gen_ai.usage.reasoning_tokens'] ?? 0,
  };
}

const ROUTE = /^httproute\/([^/]+)\/([^/]+)\//;

/** `httproute/default/aigw-run/rule/0/match/0/*` → `default/aigw-run` (the AIGatewayRoute's HTTPRoute). */
function routeOf(routeName: string | null | undefined): string | null {
  if (!routeName) return null;
  const m = ROUTE.exec(routeName);
  return m ? `${m[1]}/${m[2]}` : routeName;
}
