import { recordId } from '../../../domain/ids.js';
import { usd } from '../../../domain/money.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import { totalTokens, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue } from '../../each-item.js';
import { INCOMPLETE_LINE, nonBlankLines } from '../../lines.js';
import { assistantLineSchema, type AssistantLine } from './schema.js';

/** More tokens than this in one request is not a real request: a corrupt or hostile line. */
export const MAX_TOKENS_PER_REQUEST = 10_000_000;
export const SOURCE = 'claude-code-logs';

interface Entry {
  record: UsageRecord;
  messageId: string;
  /** True while every line of the response came from a sidechain (a replay of the parent's message). */
  sidechain: boolean;
}

/**
 * Claude Code transcripts (reference §1.1): one JSON object per line; one API response is written as one
 * line per content block, each carrying the same message.id, requestId and a copy of usage (output_tokens
 * is a streaming partial on early blocks). Counted once per (message.id, requestId), or message.id alone
 * when a proxy gives no requestId, keeping the largest value of each token field; the record spans the
 * first to the last block's timestamp. `<synthetic>` lines are local error messages, not requests. A
 * sidechain replay of a message (same message.id, new requestId) is dropped when the original is in the
 * same text. The same response in another file gets the same id, so the store keeps it once.
 */
export function parseClaudeCodeLog(text: string, file: string): ParseResult<UsageRecord> {
  const problems: Problem[] = [];
  const byKey = new Map<string, Entry>();
  for (const { line, text: raw, unterminated } of nonBlankLines(text)) {
    const problem = (field: string | null, message: string) => problems.push({ file, line, field, message });
    // Only assistant lines with usage carry tokens. Other lines (user lines hold whole prompts) are not
    // parsed, for speed, but a line that is not even an object is still reported.
    if (!unterminated && !(raw.includes('"usage"') && raw.includes('"assistant"'))) {
      const t = raw.trim();
      if (!t.startsWith('{') || !t.endsWith('}')) problem(null, 'invalid JSON');
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      problem(null, unterminated ? INCOMPLETE_LINE : 'invalid JSON');
      continue;
    }
    if (!isAssistantUsageLine(json)) continue;
    const parsed = assistantLineSchema.safeParse(json);
    if (!parsed.success) {
      const { field, message } = describeIssue(parsed.error);
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
    const key = `${l.message.id}\u0000${l.requestId ?? ''}`;
    const seen = byKey.get(key);
    if (seen) {
      merge(seen.record, record);
      seen.sidechain &&= l.isSidechain === true;
    } else {
      byKey.set(key, { record, messageId: l.message.id, sidechain: l.isSidechain === true });
    }
  }
  return { records: dropSidechainReplays([...byKey.values()]), problems };
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
  into.tokens = {
    input: Math.max(a.input, b.input),
    cacheRead: Math.max(a.cacheRead, b.cacheRead),
    cacheWrite: Math.max(a.cacheWrite, b.cacheWrite),
    output: Math.max(a.output, b.output),
    reasoning: 0,
  };
  if (next.start < into.start) into.start = next.start;
  if (next.end > into.end) into.end = next.end;
  const amount = next.cost.amount;
  if (amount !== null && (into.cost.amount === null || amount.greaterThan(into.cost.amount)))
    into.cost = next.cost;
}

/** Sidechain copies of a message whose original (non-sidechain) response is in the same text. */
function dropSidechainReplays(entries: Entry[]): UsageRecord[] {
  const originals = new Set(entries.filter((e) => !e.sidechain).map((e) => e.messageId));
  return entries.filter((e) => !e.sidechain || !originals.has(e.messageId)).map((e) => e.record);
}

/** The repository a session worked in: the last segment of its working directory (never the full path). */
function repoOf(cwd: string | undefined): string | undefined {
  if (!cwd) return undefined;
  const parts = cwd.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1];
}

function toRecord(l: AssistantLine): UsageRecord {
  const u = l.message.usage;
  const cacheWrite = u.cache_creation
    ? (u.cache_creation.ephemeral_5m_input_tokens ?? 0) + (u.cache_creation.ephemeral_1h_input_tokens ?? 0)
    : (u.cache_creation_input_tokens ?? 0);
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
    tokens: {
      input: u.input_tokens,
      cacheRead: u.cache_read_input_tokens ?? 0,
      cacheWrite,
      output: u.output_tokens,
      reasoning: 0,
    },
    requests: 1,
    cost:
      l.costUSD !== undefined
        ? { amount: usd(String(l.costUSD)), basis: 'provider_reported', priceRef: 'claude-code-costUSD' }
        : { amount: null, basis: 'list_estimate', priceRef: null },
    dedupKey: l.requestId,
    hints: {
      sessionId: l.sessionId,
      repo: repoOf(l.cwd),
      branch: l.gitBranch && l.gitBranch !== 'HEAD' ? l.gitBranch : undefined,
      toolVersion: l.version,
    },
  };
}
