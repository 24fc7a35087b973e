import { recordId } from '../domain/ids.js';
import type { UsageRecord } from '../domain/usage.js';
import { totalTokens } from '../domain/usage.js';
import { copilotCost, copilotSpanUnits } from '../domain/copilot-billing.js';
import { copilotCollapseKey } from '../domain/copilot-collapse.js';
import {
  fromGenAiSpanUsage,
  GENAI_SPAN_USAGE,
  type GenAiSpanUsage,
  serviceTierOf,
} from '../domain/token-semantics.js';
import { attributes, CountError, firstCount, firstText, isBad, text, type Attributes } from './attributes.js';
import { agentOf, decodeEachItem, reject, type Decoded } from './decoded.js';
import { hexId, nanosToDate, type Item } from './envelope.js';
import { actorOf } from './identity.js';
import { MAX_TOKENS_PER_REQUEST } from './limits.js';

export const OTLP_GENAI = 'otlp';

/**
 * GenAI semantic-convention names (reference §3.2), current first, deprecated and common non-standard
 * aliases after: the first one present wins. Usage attributes are the one table every span path reads
 * (GENAI_SPAN_USAGE in domain/token-semantics.ts).
 */
const NAMES = {
  input: GENAI_SPAN_USAGE.input,
  output: GENAI_SPAN_USAGE.output,
  provider: ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system'],
  model: ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'embedding.model_name'],
  session: ['gen_ai.conversation.id', 'session.id'],
  serviceTier: [
    'openai.response.service_tier',
    'gen_ai.openai.response.service_tier',
    'openai.request.service_tier',
  ],
} as const satisfies Record<string, readonly string[]>;

/** Operations that are one model call. Agent and workflow spans sum their children's usage: never counted. */
const INFERENCE = new Set(['chat', 'generate_content', 'text_completion', 'embeddings']);
/**
 * OpenInference span kinds that are one billed model call (Envoy AI Gateway's spans, Arize's instrumentations).
 * `TOKEN_COUNTER` (a count_tokens call, free) carries a prompt count too, and chains and agents sum their
 * children: neither is counted.
 */
const OPENINFERENCE_CALLS = new Set(['LLM', 'EMBEDDING']);

/** Semantic-convention provider names → Mileage's (the pricing module's aliases take it from there). */
const PROVIDERS = {
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  'aws.bedrock': 'aws',
  'azure.ai.openai': 'azure-openai',
  'azure.ai.inference': 'azure-ai',
  mistral_ai: 'mistral',
  x_ai: 'xai',
  moonshot_ai: 'moonshot',
  'ibm.watsonx.ai': 'ibm',
} as const satisfies Record<string, string>;

function providerName(raw: string | undefined): string | null {
  if (!raw) return null;
  return (PROVIDERS as Record<string, string>)[raw] ?? raw;
}

/**
 * An ExportTraceServiceRequest (`/v1/traces`) to usage records: one per inference span (operation chat,
 * generate_content, text_completion or embeddings, or no operation but usage attributes), id from trace
 * and span id, so a retried export counts once. Spans of Claude Code, Codex and Gemini CLI are skipped: the
 * same requests arrive as their usage events, which carry more (Claude Code's cost). Spans without usage
 * and every other span are ignored. Throws MalformedPayload on a broken envelope.
 */
export function decodeSpans(doc: unknown, file: string): Decoded {
  return decodeEachItem(
    doc,
    file,
    { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' },
    decodeSpan,
  );
}

function decodeSpan(item: Item, file: string, out: Decoded): void {
  const service = text(item.scope.resource, 'service.name');
  if (agentOf(item, service) !== null) return;
  const a = attributes(item.raw.attributes);
  if (isBad(a)) {
    reject(out, file, `${item.path}.${a.bad}`, 'not a KeyValue');
    return;
  }
  const operation = text(a, 'gen_ai.operation.name');
  if (operation !== undefined && !INFERENCE.has(operation)) return;
  const openInferenceKind = text(a, 'openinference.span.kind');
  if (openInferenceKind !== undefined && !OPENINFERENCE_CALLS.has(openInferenceKind)) return;
  if (operation === undefined && !NAMES.input.some((k) => a.has(k)) && !NAMES.output.some((k) => a.has(k)))
    return;
  const traceId = hexId(item.raw.traceId);
  const spanId = hexId(item.raw.spanId);
  if (!traceId || !spanId) {
    reject(out, file, `${item.path}.${traceId ? 'spanId' : 'traceId'}`, 'missing or not a hex id');
    return;
  }
  const start = nanosToDate(item.raw.startTimeUnixNano);
  const end = nanosToDate(item.raw.endTimeUnixNano) ?? start;
  if (!start || !end) {
    reject(out, file, `${item.path}.startTimeUnixNano`, 'missing or invalid time');
    return;
  }
  try {
    const record = toRecord(a, item.scope.resource, { traceId, spanId, start, end, service });
    if (!record) return;
    const total = totalTokens(record.tokens);
    if (total > MAX_TOKENS_PER_REQUEST) {
      reject(out, file, `${item.path}.attributes`, `absurd token count ${total} in one request`);
      return;
    }
    out.records.push(record);
  } catch (error) {
    if (!(error instanceof CountError)) throw error;
    reject(out, file, `${item.path}.attributes.${error.field}`, error.message);
  }
}

function toRecord(
  a: Attributes,
  resource: Attributes,
  s: { traceId: string; spanId: string; start: Date; end: Date; service: string | undefined },
): UsageRecord | null {
  const usage: GenAiSpanUsage = {};
  for (const [kind, names] of Object.entries(GENAI_SPAN_USAGE) as [keyof GenAiSpanUsage, readonly string[]][])
    usage[kind] = firstCount(a, names);
  if ((usage.input ?? 0) + (usage.output ?? 0) + (usage.cacheRead ?? 0) + (usage.cacheWrite ?? 0) === 0)
    return null;
  // The conventions count cache reads and writes inside input_tokens (the inclusive meaning).
  const { tokens, serverTools } = fromGenAiSpanUsage(usage);
  // Copilot (provider `github`) bills its own units, read and priced as its file export is.
  // An amount that is no amount rejects the span, as the file path does (the request is billed in it).
  const units =
    copilotSpanUnits(
      (name) => text(a, name),
      (name, message) => {
        throw new CountError(name, message);
      },
    ) ?? undefined;
  const tier = serviceTierOf(firstText(a, NAMES.serviceTier));
  const responseId = text(a, 'gen_ai.response.id');
  const own = (key: string) => text(a, key) ?? text(resource, key);
  const provider = providerName(firstText(a, NAMES.provider));
  const model = firstText(a, NAMES.model) ?? null;
  const sessionId = firstText(a, NAMES.session);
  // A Copilot CLI span is the original of its session's shutdown totals (session-state files read by agent-log
  // ingest): the same collapse key as its file export's, so the session counts once whichever path came first.
  const copilot = units !== undefined || provider === 'github';
  return {
    id: recordId(OTLP_GENAI, s.traceId, s.spanId),
    source: OTLP_GENAI,
    stream: null,
    granularity: 'request',
    start: s.start,
    end: s.end,
    tool: s.service ?? null,
    provider,
    model,
    tokens,
    serverTools,
    billing: Object.keys(tier).length > 0 ? tier : undefined,
    requests: 1,
    cost: (units && copilotCost(units)) ?? { amount: null, basis: 'list_estimate', priceRef: null },
    units,
    dedupKey: responseId,
    collapse:
      copilot && sessionId && model
        ? { key: copilotCollapseKey(sessionId, model), replica: false }
        : undefined,
    hints: {
      actor: actorOf(a) ?? actorOf(resource),
      sessionId,
      toolVersion: own('service.version'),
    },
  };
}
