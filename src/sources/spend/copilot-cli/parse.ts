import { copilotCost, copilotSpanUnits } from '../../../domain/copilot-billing.js';
import { recordId } from '../../../domain/ids.js';
import type { Problem } from '../../../domain/parse-result.js';
import { fromGenAiSpanUsage } from '../../../domain/token-semantics.js';
import { totalTokens, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue } from '../../each-item.js';
import { INCOMPLETE_LINE, nonBlankLines } from '../../lines.js';
import type { LogChunk, LogParse } from '../log-parser.js';
import { copilotCollapseKey } from '../../../domain/copilot-collapse.js';
import { flatSpanSchema, otlpLineSchema } from './schema.js';
import { isSessionEvent, sessionEventRecords, type CopilotSession } from './session-events.js';
import { fromFlat, fromOtlp, type Span } from './spans.js';
import { readCount, TOKEN_ATTRIBUTES, type RawTokens } from './usage.js';
import { MAX_TOKENS_PER_REQUEST } from '../../../domain/record-bounds.js';

export const SOURCE = 'copilot-cli-logs';
/** How many traces with inference spans the state remembers (see `invoke_agent` below). */
export const REMEMBERED_TRACES = 512;

/** Carried to the next chunk of the same file. JSON-serialisable. */
export interface CopilotCliLogState {
  /** Latest traces that had an inference span with usage, oldest first. */
  inferenceTraces: string[];
  /** The session a session-state events.jsonl describes (absent in states stored by older builds). */
  session?: CopilotSession;
  /** Whether any line was Copilot CLI's: a span, an OTLP export or a session event. */
  recognised?: boolean;
}

/** Operations that are one model request each (`gen_ai.operation.name`, or the span name's first word). */
const INFERENCE = new Set(['chat', 'text_completion', 'generate_content']);

type Report = (field: string | null, message: string) => void;

/**
 * GitHub Copilot CLI OpenTelemetry file export (reference §1.3, §2.4, §3): JSONL, one finished span per
 * line with flat attributes (what the OTel JS SDK's ReadableSpan serialises to), and, accepted too, OTLP/JSON
 * `{"resourceSpans":…}` lines as an OTLP file exporter writes them. Metric and log lines are skipped.
 * - each inference span (`chat`, `text_completion`, `generate_content`) with usage is one request;
 * - an `invoke_agent` span carries the usage of the whole agent turn, already counted by its `chat` spans,
 *   which end (and so are written) before it: it counts only when no inference span of its trace was
 *   seen, for emitters that write usage on the agent span alone;
 * - tool spans and spans without usage attributes give nothing.
 * Tokens follow the GenAI conventions (input includes cache reads and writes) and are normalised to
 * Mileage's meaning. The record id is the span's own identity (trace id + span id).
 */
export function parseCopilotCliLog(
  chunk: LogChunk,
  prior: CopilotCliLogState | undefined,
): LogParse<CopilotCliLogState> {
  const state: CopilotCliLogState = {
    inferenceTraces: [...(prior?.inferenceTraces ?? [])],
    session: { ...(prior?.session ?? { id: null, cwd: null, branch: null, version: null }) },
    recognised: prior?.recognised ?? false,
  };
  const records: UsageRecord[] = [];
  const problems: Problem[] = [];
  for (const { line: n, text, unterminated } of nonBlankLines(chunk.text)) {
    const line = chunk.firstLine + n - 1;
    const report: Report = (field, message) => problems.push({ file: chunk.file, line, field, message });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      report(null, unterminated ? INCOMPLETE_LINE : 'invalid JSON');
      continue;
    }
    if (typeof json === 'object' && json !== null && !Array.isArray(json) && isSessionEvent(json)) {
      state.recognised = true;
      const session = state.session as CopilotSession;
      records.push(...sessionEventRecords(json, session, chunk.file, SOURCE, MAX_TOKENS_PER_REQUEST, report));
      continue;
    }
    for (const span of spansOf(json, report, state)) {
      const record = toRecord(span, state, report);
      if (record) records.push(record);
    }
  }
  return { records, problems, state };
}

function spansOf(json: unknown, report: Report, state: CopilotCliLogState): Span[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    report(null, 'expected a JSON object');
    return [];
  }
  if ('resourceSpans' in json || 'resourceMetrics' in json || 'resourceLogs' in json) state.recognised = true;
  if ('resourceSpans' in json) {
    const parsed = otlpLineSchema.safeParse(json);
    if (parsed.success) return fromOtlp(parsed.data);
    const { field, message } = describeIssue(parsed.error);
    report(field, message);
    return [];
  }
  const { type } = json as { type?: unknown };
  // other signals (metrics, logs) and OTLP metric/log exports carry no per-request usage
  if ((type !== undefined && type !== 'span') || !('spanId' in json || 'traceId' in json)) {
    if (type === 'metric' || type === 'log') state.recognised = true;
    return [];
  }
  state.recognised = true;
  const parsed = flatSpanSchema.safeParse(json);
  if (parsed.success) return [fromFlat(parsed.data)];
  const { field, message } = describeIssue(parsed.error);
  report(field, message);
  return [];
}

function operationOf(span: Span): string {
  const op = span.attributes['gen_ai.operation.name'];
  return typeof op === 'string' ? op : (span.name.split(' ')[0] ?? '');
}

function toRecord(span: Span, state: CopilotCliLogState, report: Report): UsageRecord | null {
  const operation = operationOf(span);
  const inference = INFERENCE.has(operation);
  if (!inference && operation !== 'invoke_agent') return null;
  const raw = readTokens(span, report);
  if (!raw) return null;
  if (inference) remember(state, span.traceId);
  else if (state.inferenceTraces.includes(span.traceId)) return null;

  const { tokens, serverTools } = fromGenAiSpanUsage(raw);
  const sum = totalTokens(tokens);
  if (sum === 0) return null;
  if (sum > MAX_TOKENS_PER_REQUEST) {
    report(
      at(span, 'attributes'),
      `absurd token count ${sum} in one request (limit ${MAX_TOKENS_PER_REQUEST})`,
    );
    return null;
  }
  const a = span.attributes;
  const responseId = text(a['gen_ai.response.id']);
  const model = text(a['gen_ai.response.model']) ?? text(a['gen_ai.request.model']) ?? null;
  const sessionId = sessionOf(a) ?? sessionOf(span.resource);
  const units = copilotSpanUnits(
    (name) => a[name],
    (name, message) => report(at(span, `attributes.${name}`), message),
  );
  if (units === null) return null;
  return {
    id: recordId(SOURCE, span.traceId, span.spanId),
    source: SOURCE,
    stream: null,
    granularity: 'request',
    start: span.start,
    end: span.end,
    tool: 'copilot-cli',
    provider: text(a['gen_ai.provider.name']) ?? text(a['gen_ai.system']) ?? null,
    model,
    tokens,
    serverTools,
    requests: 1,
    cost: (units && copilotCost(units)) ?? { amount: null, basis: 'list_estimate', priceRef: null },
    units,
    dedupKey: responseId,
    // The originals of the session's usage: a shutdown total of the same session and model is a replica.
    collapse: sessionId && model ? { key: copilotCollapseKey(sessionId, model), replica: false } : undefined,
    hints: {
      sessionId,
      toolVersion: text(span.resource['service.version']),
    },
  };
}

/** The span's token attributes, or null when it has none or one is unreadable (then reported). */
function readTokens(span: Span, report: Report): RawTokens | null {
  const out: RawTokens = {};
  let found = false;
  for (const [kind, names] of Object.entries(TOKEN_ATTRIBUTES) as [keyof RawTokens, readonly string[]][]) {
    const name = names.find((n) => span.attributes[n] !== undefined);
    if (name === undefined) continue;
    const count = readCount(span.attributes[name]);
    if (!count.ok) {
      report(at(span, `attributes.${name}`), count.message);
      return null;
    }
    out[kind] = count.value;
    found = true;
  }
  return found ? out : null;
}

function remember(state: CopilotCliLogState, traceId: string): void {
  const list = state.inferenceTraces;
  const i = list.indexOf(traceId);
  if (i !== -1) list.splice(i, 1);
  list.push(traceId);
  if (list.length > REMEMBERED_TRACES) list.shift();
}

function sessionOf(attributes: Record<string, unknown>): string | undefined {
  return (
    text(attributes['gen_ai.conversation.id']) ??
    text(attributes['session.id']) ??
    text(attributes['copilot_chat.session_id'])
  );
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

const at = (span: Span, field: string) => (span.path === '' ? field : `${span.path}.${field}`);
