import { z } from 'zod';
import { copilotCost, premiumQuantity } from '../../../domain/copilot-billing.js';
import { recordId } from '../../../domain/ids.js';
import { totalTokens, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue } from '../../each-item.js';
import { copilotCollapseKey } from '../../../domain/copilot-collapse.js';
import { toTokenCounts } from './usage.js';

/**
 * Copilot CLI's own session log, written by default (no OpenTelemetry setting needed):
 * `~/.copilot/session-state/<session id>/events.jsonl`, one event `{type, data, id, timestamp, parentId}`
 * per line (shapes: github/copilot-sdk nodejs/src/generated/session-events.ts). Per-request usage
 * (`assistant.usage`) is ephemeral and never written to the file; what is written is `session.shutdown`,
 * whose `modelMetrics` give, per model, the session's request count, premium requests (`requests.cost`),
 * AI credits (`totalNanoAiu`) and tokens (`inputTokens` including cache reads and writes, as on spans).
 *
 * Those totals are cumulative over the session's lifetimes: a resumed session restores them from its
 * `session.usage_checkpoint` and its next shutdown reports them again, grown. So each (session, model) is
 * one record whose id does not depend on the shutdown: every shutdown's copy merges into it, keeping the
 * largest count of each kind (the store's rule for copies of one record), which is the latest total.
 *
 * The same requests may also be in the OpenTelemetry export: a span names its session
 * (`gen_ai.conversation.id`), and both carry the same collapse key (collapse.ts). The spans are the
 * originals and these records replicas, so a session exported both ways counts once, by its spans.
 */
export const SESSION_EVENT_TYPES = ['session.start', 'session.resume', 'session.shutdown'] as const;

/** What a session's events say about where and with what it ran. JSON-serialisable. */
export interface CopilotSession {
  id: string | null;
  cwd: string | null;
  branch: string | null;
  version: string | null;
}

const count = z.number().int('expected a whole number of tokens').nonnegative('negative token count');

const contextSchema = z
  .object({ cwd: z.string().optional(), branch: z.string().nullish() })
  .partial()
  .nullish()
  .catch(null);

const startSchema = z.object({
  sessionId: z.string().min(1).optional().catch(undefined),
  copilotVersion: z.string().optional().catch(undefined),
  context: contextSchema,
});

const modelMetricSchema = z.object({
  /** `count`: API requests to the model; `cost`: premium requests (the model multiplier summed), fractional. */
  requests: z
    .object({ count: z.number().int().nonnegative().optional(), cost: z.number().nonnegative().optional() })
    .partial()
    .optional(),
  /** AI credits in nano units (usage-based billing), when the build reports them. */
  totalNanoAiu: z.number().nonnegative().optional(),
  usage: z.object({
    /** All input, cache reads and writes included (as `gen_ai.usage.input_tokens`). */
    inputTokens: count.default(0),
    outputTokens: count.default(0),
    cacheReadTokens: count.default(0),
    cacheWriteTokens: count.default(0),
    /** The reasoning part of output. */
    reasoningTokens: count.default(0),
  }),
});

const shutdownSchema = z.object({
  /** Unix ms: the session's first start, which the cumulative totals run from. */
  sessionStartTime: z.number().nonnegative().optional().catch(undefined),
  // Each model's metrics are checked on their own (below): one bad model never takes the others with it.
  modelMetrics: z.record(z.string(), z.unknown()).default({}),
});

type Report = (field: string | null, message: string) => void;

export interface SessionEvent {
  type: string;
  data: unknown;
  timestamp?: unknown;
}

/** Whether a JSON line is a session event (as opposed to a span or an OTLP export line). */
export function isSessionEvent(json: object): json is SessionEvent {
  const { type, data } = json as { type?: unknown; data?: unknown };
  return typeof type === 'string' && type.includes('.') && typeof data === 'object' && data !== null;
}

/**
 * One session event: start and resume update the session's context, a shutdown gives one record per
 * model. `file` names the session when no `session.start` did (its folder is the session id).
 */
export function sessionEventRecords(
  event: SessionEvent,
  session: CopilotSession,
  file: string,
  source: string,
  maxTokens: number,
  report: Report,
): UsageRecord[] {
  if (event.type === 'session.start' || event.type === 'session.resume') {
    const start = startSchema.safeParse(event.data);
    if (!start.success) return [];
    if (event.type === 'session.start' && start.data.sessionId) session.id = start.data.sessionId;
    if (start.data.copilotVersion) session.version = start.data.copilotVersion;
    const ctx = start.data.context;
    if (ctx?.cwd) session.cwd = ctx.cwd;
    if (ctx?.branch !== undefined) session.branch = ctx.branch && ctx.branch !== 'HEAD' ? ctx.branch : null;
    return [];
  }
  if (event.type !== 'session.shutdown') return [];
  const at = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : NaN;
  if (Number.isNaN(at)) {
    report('timestamp', 'session.shutdown without a valid timestamp: not counted');
    return [];
  }
  const parsed = shutdownSchema.safeParse(event.data);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error, 'data');
    report(field, message);
    return [];
  }
  const sessionId = session.id ?? folderSession(file);
  const started = parsed.data.sessionStartTime;
  const records: UsageRecord[] = [];
  for (const [model, rawMetric] of Object.entries(parsed.data.modelMetrics)) {
    const checked = modelMetricSchema.safeParse(rawMetric);
    if (!checked.success) {
      const { field, message } = describeIssue(checked.error, `data.modelMetrics.${model}`);
      report(field, message);
      continue;
    }
    const metric = checked.data;
    const u = metric.usage;
    const tokens = toTokenCounts({
      input: u.inputTokens,
      output: u.outputTokens,
      cacheRead: u.cacheReadTokens,
      cacheWrite: u.cacheWriteTokens,
      reasoning: u.reasoningTokens,
    });
    const units = {
      nanoAiu: metric.totalNanoAiu,
      premiumRequests: premiumQuantity(metric.requests?.cost),
    };
    const sum = totalTokens(tokens);
    const requests = metric.requests?.count ?? (sum > 0 ? 1 : 0);
    if (sum === 0 && requests === 0 && !units.nanoAiu && !Number(units.premiumRequests ?? 0)) continue;
    // A session's total may be large, but not beyond this many requests' worth of the per-request bound.
    if (sum > maxTokens * Math.max(1, requests)) {
      report(`data.modelMetrics.${model}.usage`, `absurd token count ${sum} for ${requests} requests`);
      continue;
    }
    records.push({
      id: recordId(source, 'session', sessionId, model),
      source,
      stream: null,
      granularity: 'session',
      start: new Date(started !== undefined && started <= at ? started : at),
      end: new Date(at),
      tool: 'copilot-cli',
      provider: 'github',
      model,
      tokens,
      requests,
      cost: copilotCost(units) ?? { amount: null, basis: 'list_estimate', priceRef: null },
      units,
      collapse: sessionId ? { key: copilotCollapseKey(sessionId, model), replica: true } : undefined,
      hints: {
        sessionId: sessionId ?? undefined,
        cwd: session.cwd ?? undefined,
        branch: session.branch ?? undefined,
        toolVersion: session.version ?? undefined,
      },
    });
  }
  return records;
}

/** `…/session-state/<id>/events.jsonl` → `<id>`. */
function folderSession(file: string): string | null {
  const parts = file.split(/[\\/]/);
  return parts.length >= 2 && parts.at(-1) === 'events.jsonl' ? (parts.at(-2) ?? null) : null;
}
