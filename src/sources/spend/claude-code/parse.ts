import { recordId } from '../../../domain/ids.js';
import { usd } from '../../../domain/money.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import {
  anthropicServerTools,
  billingOf,
  fromAnthropic,
  serviceTierOf,
  speedOf,
} from '../../../domain/token-semantics.js';
import {
  collapseReplicas,
  NO_TOKENS,
  TOKEN_FIELD_NAMES,
  tokenValue,
  totalTokens,
  type ServerTool,
  type ServerToolUse,
  type TokenCounts,
  type UsageRecord,
} from '../../../domain/usage.js';
import { describeIssue } from '../../each-item.js';
import { INCOMPLETE_LINE, nonBlankLines } from '../../lines.js';
import { isClaudeTranscript } from '../log-files.js';
import type { LogChunk, LogParse, LogSource } from '../log-parser.js';
import { assistantLineSchema, type AssistantLine } from './schema.js';
import { MAX_TOKENS_PER_REQUEST } from '../../../domain/record-bounds.js';

export const SOURCE = 'claude-code-logs';

/**
 * Claude Code transcripts (reference §1.1): one JSON object per line; one API response is written as one
 * line per content block, each carrying the same message.id, requestId and a copy of usage (output_tokens
 * is a streaming partial on early blocks). Counted once per (message.id, requestId), or message.id alone
 * when a proxy gives no requestId, keeping the largest value of each token field; the record spans the
 * first to the last block's timestamp. `<synthetic>` lines are local error messages, not requests. A
 * sidechain replay of a message (same message.id, new requestId) is marked a replica of that message, and
 * the store keeps the original (see collapseReplicas). The same response in another file, or in another
 * chunk of this one, gets the same id, so the store keeps it once, merged the same way.
 *
 * A subagent's requests are written to its own file (`<session>/subagents/agent-<id>.jsonl`) and copied
 * into the parent transcript as `progress` lines (`data.type: "agent_progress"`, the subagent's assistant
 * line in `data.message`). The copies are read as the subagent's lines (fields they lack taken from the
 * progress line) and are always replicas under the message's collapse key: with the subagent's file
 * present, its lines (sidechain lines, replicas of the same key) and the copies count once together — the
 * same request id gives the same record, merged; without the file, the copies are all that is left, and
 * count once.
 */
export function parseClaudeCodeChunk({ file, text, firstLine }: LogChunk): LogParse<null> {
  const problems: Problem[] = [];
  const byKey = new Map<string, UsageRecord>();
  for (const { line: chunkLine, text: raw, unterminated } of nonBlankLines(text)) {
    const line = chunkLine + firstLine - 1;
    const problem = (field: string | null, message: string) => problems.push({ file, line, field, message });
    // Every line is parsed, so an invalid one is reported wherever it is: the bulk reader in the store
    // takes clean files, and only flagged files and appended parts come here, so this costs little.
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      problem(null, unterminated ? INCOMPLETE_LINE : 'invalid JSON');
      continue;
    }
    // Every line of a transcript is an object: anything else is damage, said (never skipped unseen).
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      problem(null, 'expected a JSON object');
      continue;
    }
    const copy = agentProgressCopy(json);
    if (!copy && !isAssistantUsageLine(json)) continue;
    const parsed = assistantLineSchema.safeParse(copy ?? json);
    if (!parsed.success) {
      const { field, message } = describeIssue(parsed.error, copy ? 'data.message' : '');
      problem(field, message);
      continue;
    }
    const l = parsed.data;
    if (l.message.model === '<synthetic>') continue;
    const record = toRecord(l);
    const total = totalTokens(record.tokens);
    if (total > MAX_TOKENS_PER_REQUEST) {
      problem(
        'message.usage',
        `absurd token count ${total} in one request (limit ${MAX_TOKENS_PER_REQUEST})`,
      );
      continue;
    }
    const seen = byKey.get(record.id);
    if (seen) merge(seen, record);
    else byKey.set(record.id, record);
  }
  return { records: [...byKey.values()], problems, state: null };
}

/** A whole transcript, replays collapsed: what one file says on its own. */
export function parseClaudeCodeLog(text: string, file: string): ParseResult<UsageRecord> {
  const { records, problems } = parseClaudeCodeChunk({ file, text, firstLine: 1 });
  return { records: collapseReplicas(records), problems };
}

export const claudeCodeLogSource: LogSource<null> = {
  source: SOURCE,
  tool: 'claude-code',
  appendOnly: true,
  accept: isClaudeTranscript,
  parse: (chunk) => parseClaudeCodeChunk(chunk),
};

/**
 * A subagent's assistant line copied into its parent's transcript by an `agent_progress` line, as the line
 * the subagent's own file holds: what it lacks (session, cwd, branch, version, time) comes from the progress
 * line, and it is a sidechain line. Null for any other line, and for copies without usage (tool progress).
 */
function agentProgressCopy(json: unknown): Record<string, unknown> | null {
  if (typeof json !== 'object' || json === null) return null;
  const line = json as Record<string, unknown>;
  if (line.type !== 'progress') return null;
  const data = line.data as Record<string, unknown> | null | undefined;
  if (typeof data !== 'object' || data === null || data.type !== 'agent_progress') return null;
  const copied = data.message as Record<string, unknown> | null | undefined;
  if (typeof copied !== 'object' || copied === null || copied.type !== 'assistant') return null;
  const message = copied.message as Record<string, unknown> | null | undefined;
  const usage = typeof message === 'object' && message !== null ? message.usage : undefined;
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return null;
  const inherit = (key: string) => copied[key] ?? line[key];
  return {
    ...copied,
    sessionId: inherit('sessionId'),
    cwd: inherit('cwd'),
    gitBranch: inherit('gitBranch'),
    version: inherit('version'),
    timestamp: inherit('timestamp'),
    isSidechain: true,
  };
}

function isAssistantUsageLine(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const { type, message } = json as { type?: unknown; message?: unknown };
  return type === 'assistant' && typeof message === 'object' && message !== null && 'usage' in message;
}

/** Block lines of one response: the largest value of each field is the final one. */
function merge(into: UsageRecord, next: UsageRecord): void {
  const a = into.tokens;
  const b = next.tokens;
  const tokens: TokenCounts = { ...NO_TOKENS };
  for (const field of TOKEN_FIELD_NAMES) {
    const n = Math.max(tokenValue(a, field), tokenValue(b, field));
    if (n > 0 || field in NO_TOKENS) tokens[field] = n;
  }
  into.tokens = tokens;
  if (next.serverTools) {
    const tools: ServerToolUse = { ...into.serverTools };
    for (const [tool, n] of Object.entries(next.serverTools) as [ServerTool, number][])
      tools[tool] = Math.max(tools[tool] ?? 0, n);
    into.serverTools = tools;
  }
  // Metadata comes from the earliest copy (then the smallest session id), so any order of files or chunks
  // gives the same record; the store applies the same rule across files (store/duckdb/agent-requests.ts).
  const earlier =
    next.start < into.start ||
    (next.start.getTime() === into.start.getTime() &&
      (next.hints.sessionId ?? '') < (into.hints.sessionId ?? ''));
  if (earlier) {
    into.hints = next.hints;
    if (next.billing) into.billing = next.billing;
  }
  if (next.start < into.start) into.start = next.start;
  if (next.end > into.end) into.end = next.end;
  const amount = next.cost.amount;
  if (amount !== null && (into.cost.amount === null || amount.greaterThan(into.cost.amount)))
    into.cost = next.cost;
  // A response is a replica only when every one of its lines came from a sidechain.
  if (into.collapse && next.collapse) into.collapse.replica &&= next.collapse.replica;
}

function toRecord(l: AssistantLine): UsageRecord {
  const u = l.message.usage;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const at = new Date(l.timestamp);
  return {
    id: recordId(SOURCE, l.message.id, l.requestId ?? ''),
    source: SOURCE,
    stream: null,
    granularity: 'request',
    start: at,
    end: at,
    tool: 'claude-code',
    provider: 'anthropic',
    model: l.message.model,
    tokens: fromAnthropic({
      input: u.input_tokens,
      cacheRead: u.cache_read_input_tokens,
      cacheWrite: u.cache_creation_input_tokens,
      cacheWrite5m: u.cache_creation?.ephemeral_5m_input_tokens ?? (u.cache_creation ? 0 : undefined),
      cacheWrite1h: u.cache_creation?.ephemeral_1h_input_tokens,
      output: u.output_tokens,
    }),
    serverTools: anthropicServerTools(u.server_tool_use),
    billing: billingOf({ ...serviceTierOf(text(u.service_tier)), speed: speedOf(text(u.speed)) }),
    requests: 1,
    cost:
      l.costUSD !== undefined
        ? { amount: usd(String(l.costUSD)), basis: 'provider_reported', priceRef: 'claude-code-costUSD' }
        : { amount: null, basis: 'list_estimate', priceRef: null },
    dedupKey: l.requestId,
    collapse: { key: l.message.id, replica: l.isSidechain === true },
    hints: {
      sessionId: l.sessionId,
      cwd: l.cwd || undefined,
      branch: l.gitBranch && l.gitBranch !== 'HEAD' ? l.gitBranch : undefined,
      toolVersion: l.version,
    },
  };
}
