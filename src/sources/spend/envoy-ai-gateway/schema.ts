import { z } from 'zod';

/**
 * A count as Envoy's JSON access-log formatter writes a dynamic-metadata number: a JSON number, or `null` when
 * the AI Gateway set no value (a request without usage, an MCP call). A numeric string is accepted too, as a
 * `%REQ()%`-style or text-format copy writes one.
 */
const count = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v === '-' ? null : v),
  z.number().int('expected a whole number of tokens').nonnegative('negative token count').nullish(),
);
const text = z.string().min(1).nullish().catch(null);

/**
 * One line of the access log Envoy AI Gateway documents (site/docs/capabilities/observability/accesslogs.md
 * and examples/access-log/basic.yaml in envoyproxy/ai-gateway): an EnvoyProxy JSON format whose `gen_ai.*` keys
 * read the `io.envoy.ai_gateway` dynamic metadata an AIGatewayRoute's `llmRequestCosts` fills
 * (`llm_input_token` InputToken, `llm_output_token` OutputToken, `llm_total_token` TotalToken, and, where
 * configured, `llm_cached_input_token` CachedInputToken, `llm_cache_creation_input_token`
 * CacheCreationInputToken, `llm_reasoning_token` ReasoningToken), beside Envoy's common fields. Input is the
 * gateway's inclusive count (its translators add Anthropic's cache reads and writes to input_tokens), cached
 * and cache-creation tokens parts of it; output includes reasoning.
 */
export const accessLogLineSchema = z.object({
  start_time: z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time (%START_TIME%)' }),
  /** Milliseconds from the first byte received to the last sent (%DURATION%). */
  duration: count,
  response_code: count,
  'x-request-id': text,
  route_name: text,
  upstream_cluster: text,
  'x-envoy-origin-path': text,
  'gen_ai.request.model': text,
  'gen_ai.request.model_override': text,
  'gen_ai.response.model': text,
  /** The AIServiceBackend the request went to (`backend_name`), e.g. `default/tars/route/aigw-run/rule/0/ref/0`. */
  'gen_ai.provider.name': text,
  'gen_ai.usage.input_tokens': count,
  'gen_ai.usage.output_tokens': count,
  'gen_ai.usage.total_tokens': count,
  'gen_ai.usage.cache_read.input_tokens': count,
  'gen_ai.usage.cached_input_tokens': count,
  'gen_ai.usage.cache_creation.input_tokens': count,
  'gen_ai.usage.cache_creation_input_tokens': count,
  'gen_ai.usage.reasoning_tokens': count,
  'session.id': text,
});

export type AccessLogLine = z.infer<typeof accessLogLineSchema>;
