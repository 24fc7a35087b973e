import { recordId } from '../../../domain/ids.js';
import { usd } from '../../../domain/money.js';
import type { Problem } from '../../../domain/parse-result.js';
import { MAX_TOKENS_PER_REQUEST } from '../../../domain/record-bounds.js';
import { fromAnthropic, fromGenAiSpan, fromInclusiveInput } from '../../../domain/token-semantics.js';
import { totalTokens, type Cost, type TokenCounts, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue } from '../../each-item.js';
import type { LogChunk, LogParse } from '../log-parser.js';
import { TASK_AGENTS, type TaskAgent } from './extensions.js';
import {
  apiReqInfoSchema,
  apiReqMessageSchema,
  historyItemSchema,
  type ApiReqInfo,
  type HistoryItem,
  type ModelUsage,
} from './schema.js';

/** Nothing is carried between runs: both files are rewritten whole on every save and read whole. */
export type TaskLogState = Record<string, never>;

const UI_MESSAGES = /(^|[\\/])ui_messages\.json$/i;
const TASK_HISTORY = /(^|[\\/])taskHistory\.json$/i;

/**
 * Cline-family task files (extensions.ts), in the shapes each version wrote (schema.ts):
 * - `tasks/<task id>/ui_messages.json`: every `api_req_started` message with usage is one request, named by
 *   the task id (the folder) and its `ts`, so a re-read of the rewritten file, or a copy of it, stores it once;
 * - `state/taskHistory.json`: every task's totals, one session record that counts only for a task none of
 *   whose requests were read (its messages deleted, or never kept): task totals and requests share a
 *   collapse key, the totals being the replica (the store's rule, domain/usage.ts `collapse`).
 * Prompt text (`request`, `task`) is never kept; the model is read from it only where the extension wrote
 * nothing else (Roo Code's environment details name the model as `<model>…</model>`).
 */
export function parseTaskFile(
  agent: TaskAgent,
  chunk: LogChunk,
  /** The task's `task_metadata.json` model switches, oldest first, when the task folder has them. */
  models: readonly ModelUsage[] = [],
): LogParse<TaskLogState> {
  const problems: Problem[] = [];
  const report = (field: string | null, message: string) =>
    problems.push({ file: chunk.file, line: null, field, message });
  const document = asArray(chunk.text);
  if (!document.ok) {
    report(null, document.message);
    return { records: [], problems, state: {} };
  }
  let records: UsageRecord[] = [];
  if (TASK_HISTORY.test(chunk.file)) records = historyRecords(agent, document.items, report);
  else if (UI_MESSAGES.test(chunk.file)) {
    records = requestRecords(agent, taskIdOf(chunk.file), document.items, report, models);
  } else report(null, 'not a task file: expected tasks/<id>/ui_messages.json or state/taskHistory.json');
  return { records, problems, state: {} };
}

type Report = (field: string | null, message: string) => void;

function asArray(text: string): { ok: true; items: unknown[] } | { ok: false; message: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: true, items: [] };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, message: 'invalid JSON (file still being written?)' };
  }
  return Array.isArray(json)
    ? { ok: true, items: json as unknown[] }
    : { ok: false, message: 'expected a JSON array of messages' };
}

/** The task id is the name of the folder holding ui_messages.json. */
function taskIdOf(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.length >= 2 ? (parts[parts.length - 2] as string) : file;
}

function requestRecords(
  agent: TaskAgent,
  taskId: string,
  items: unknown[],
  report: Report,
  models: readonly ModelUsage[],
): UsageRecord[] {
  const byId = new Map<string, UsageRecord>();
  items.forEach((raw, i) => {
    if (!isApiRequest(raw)) return;
    const parsed = apiReqMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = describeIssue(parsed.error, `[${i}]`);
      report(issue.field, issue.message);
      return;
    }
    const m = parsed.data;
    let text: unknown;
    try {
      text = JSON.parse(m.text ?? '{}');
    } catch {
      report(`[${i}].text`, 'invalid JSON in the request information');
      return;
    }
    const info = apiReqInfoSchema.safeParse(text);
    if (!info.success) {
      const issue = describeIssue(info.error, `[${i}].text`);
      report(issue.field, issue.message);
      return;
    }
    if (!carriesUsage(info.data)) return;
    const tokens = normalise(agent, info.data);
    if (totalTokens(tokens) > MAX_TOKENS_PER_REQUEST) {
      report(
        `[${i}].text`,
        `absurd token count ${totalTokens(tokens)} in one request (limit ${MAX_TOKENS_PER_REQUEST})`,
      );
      return;
    }
    const source = TASK_AGENTS[agent].source;
    const at = new Date(m.ts);
    const switched = m.modelInfo?.modelId ? undefined : modelAt(models, m.ts);
    const record: UsageRecord = {
      id: recordId(source, taskId, m.ts),
      source,
      stream: null,
      granularity: 'request',
      start: at,
      end: at,
      tool: agent,
      provider: providerOf(m.modelInfo?.providerId ?? switched?.model_provider_id),
      model: m.modelInfo?.modelId ?? switched?.model_id ?? modelInRequest(text) ?? null,
      tokens,
      requests: 1,
      cost: costOf(source, info.data.cost, tokens),
      collapse: { key: collapseKey(source, taskId), replica: false },
      hints: { sessionId: taskId },
    };
    byId.set(record.id, record);
  });
  return [...byId.values()];
}

function isApiRequest(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { say?: unknown }).say === 'api_req_started';
}

/**
 * Whether the message reports a request's usage. Before the answer's usage arrives the text holds only the
 * prompt; a request that failed to start (Cline's `cancelReason: "streaming_failed"` with every count at 0)
 * or whose provider reported nothing (Kilo Code's `usageMissing`) billed nothing that can be counted.
 */
function carriesUsage(info: ApiReqInfo): boolean {
  if (info.tokensIn === undefined && info.tokensOut === undefined) return false;
  const nothing =
    (info.tokensIn ?? 0) + (info.tokensOut ?? 0) + (info.cacheReads ?? 0) + (info.cacheWrites ?? 0) === 0 &&
    !(info.cost && info.cost > 0);
  return !(nothing && (info.cancelReason || info.usageMissing === true));
}

/**
 * The extension's counts in Mileage's split (domain/token-semantics.ts), by the meaning each version gave
 * them (schema.ts apiReqInfoSchema): Cline's and pre-`apiProtocol` builds' uncached input; Roo Code's and
 * Kilo Code's whole prompt under `openai`; under `anthropic`, the whole prompt in current builds and the
 * uncached part in older ones, told apart as OpenTelemetry spans are: an input smaller than its cache
 * tokens cannot be the whole prompt.
 */
export function normalise(agent: TaskAgent, info: ApiReqInfo): TokenCounts {
  const raw = {
    input: info.tokensIn ?? 0,
    cacheRead: info.cacheReads ?? 0,
    cacheWrite: info.cacheWrites ?? 0,
    output: info.tokensOut ?? 0,
  };
  if (agent === 'cline' || info.apiProtocol === undefined) return fromAnthropic(raw);
  if (info.apiProtocol === 'openai') return fromInclusiveInput(raw);
  return fromGenAiSpan(raw);
}

/**
 * The extension's dollars are its own estimate (its model table) or the router's reported charge: provider
 * reported. A cost of 0 for tokens is the extension's word for "no price known" as often as for "free",
 * so it is left to the price book (unpriced when the book has none), never stored as $0.
 */
function costOf(source: string, amount: number | null | undefined, tokens: TokenCounts): Cost {
  if (amount !== null && amount !== undefined && (amount > 0 || totalTokens(tokens) === 0))
    return { amount: usd(String(amount)), basis: 'provider_reported', priceRef: `${source}:cost` };
  return { amount: null, basis: 'list_estimate', priceRef: null };
}

/** Cline's provider ids that name one vendor's price list; the others (OpenAI-compatible, local, Cline's own account) name none. */
const PROVIDERS: Record<string, string> = {
  anthropic: 'anthropic',
  'openai-native': 'openai',
  gemini: 'google',
  vertex: 'google',
  bedrock: 'aws',
  deepseek: 'deepseek',
  openrouter: 'openrouter',
  xai: 'x-ai',
  mistral: 'mistral',
  groq: 'groq',
  fireworks: 'fireworks',
  together: 'together',
  cerebras: 'cerebras',
  moonshot: 'moonshotai',
};

function providerOf(providerId: string | undefined): string | null {
  return providerId ? (PROVIDERS[providerId.toLowerCase()] ?? null) : null;
}

/** The model switch in force at `ts`: the last one at or before it (the first one for a request before any). */
function modelAt(models: readonly ModelUsage[], ts: number): ModelUsage | undefined {
  let found: ModelUsage | undefined;
  for (const m of models) if (m.ts <= ts && (!found || m.ts >= found.ts)) found = m;
  return found ?? models[0];
}

const MODEL_TAG = /<model>([^<\n]{1,200})<\/model>/g;

/** The last `<model>` a request's environment details name (Roo Code, Kilo Code); the prompt itself is not kept. */
function modelInRequest(text: unknown): string | null {
  const request = (text as { request?: unknown }).request;
  if (typeof request !== 'string') return null;
  let model: string | null = null;
  for (const m of request.matchAll(MODEL_TAG)) model = (m[1] as string).trim() || model;
  return model;
}

function collapseKey(source: string, taskId: string): string {
  return `${source}:task:${taskId}`;
}

function historyRecords(agent: TaskAgent, items: unknown[], report: Report): UsageRecord[] {
  const source = TASK_AGENTS[agent].source;
  const records: UsageRecord[] = [];
  items.forEach((raw, i) => {
    const parsed = historyItemSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = describeIssue(parsed.error, `[${i}]`);
      report(issue.field, issue.message);
      return;
    }
    const record = taskTotals(agent, source, parsed.data);
    if (record) records.push(record);
  });
  return records;
}

/** A task's totals as a session record, the replica of its requests (see parseTaskFile). */
function taskTotals(agent: TaskAgent, source: string, item: HistoryItem): UsageRecord | null {
  const tokens = normalise(agent, {
    tokensIn: item.tokensIn,
    tokensOut: item.tokensOut,
    cacheReads: item.cacheReads,
    cacheWrites: item.cacheWrites,
  });
  if (totalTokens(tokens) === 0 && !(item.totalCost && item.totalCost > 0)) return null;
  const at = new Date(item.ts);
  const cwd = item.cwdOnTaskInitialization ?? item.workspace;
  return {
    id: recordId(source, 'task', item.id),
    source,
    stream: null,
    granularity: 'session',
    start: at,
    end: at,
    tool: agent,
    provider: null,
    model: item.modelId ?? null,
    tokens,
    // How many requests the totals cover is not said.
    requests: 0,
    cost: costOf(source, item.totalCost, tokens),
    collapse: { key: collapseKey(source, item.id), replica: true },
    hints: { sessionId: item.id, ...(cwd ? { cwd } : {}) },
  };
}
