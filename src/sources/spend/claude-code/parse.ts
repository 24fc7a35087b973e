import { recordId } from '../../../domain/ids.js';
import { usd } from '../../../domain/money.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import type { UsageRecord } from '../../../domain/usage.js';
import { assistantLineSchema, type AssistantLine } from './schema.js';

/** More tokens than this in one request is not a real request: a corrupt or hostile line. */
export const MAX_TOKENS_PER_REQUEST = 10_000_000;
export const SOURCE = 'claude-code-logs';

/**
 * Claude Code transcripts: one JSON object per line; one API response is written as one line per content
 * block, each carrying the same message.id, requestId and a copy of usage (with output_tokens a streaming
 * partial on early blocks). Counted once per (message.id, requestId), keeping the largest value of each
 * token field. `<synthetic>` lines are local error messages, not requests.
 */
export function parseClaudeCodeLog(text: string, file: string): ParseResult<UsageRecord> {
  const problems: Problem[] = [];
  const byKey = new Map<string, UsageRecord>();
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const last = index === lines.length - 1 && !complete;
    const broken = () =>
      problems.push({
        file,
        line,
        field: null,
        message: last ? 'incomplete line (file still being written?)' : 'invalid JSON',
      });
    if (!raw.includes('"usage"') || !raw.includes('"assistant"')) {
      // Not a usage line: skip without parsing (user lines carry whole prompts), but still count garbage.
      const t = raw.trim();
      if (last || !t.startsWith('{') || !t.endsWith('}')) broken();
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      broken();
      return;
    }
    if ((json as { type?: unknown }).type !== 'assistant') return;
    const parsed = assistantLineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({
        file,
        line,
        field: issue?.path.join('.') ?? null,
        message: issue?.message ?? 'unexpected shape',
      });
      return;
    }
    const l = parsed.data;
    if (l.message.model === '<synthetic>') return;
    const record = toRecord(l);
    const total =
      record.tokens.input + record.tokens.cacheRead + record.tokens.cacheWrite + record.tokens.output;
    if (total > MAX_TOKENS_PER_REQUEST) {
      problems.push({
        file,
        line,
        field: 'message.usage',
        message: `absurd token count ${total} in one request`,
      });
      return;
    }
    const key = `${l.message.id}\u0000${l.requestId ?? ''}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, record);
      return;
    }
    const t = seen.tokens;
    const n = record.tokens;
    seen.tokens = {
      input: Math.max(t.input, n.input),
      cacheRead: Math.max(t.cacheRead, n.cacheRead),
      cacheWrite: Math.max(t.cacheWrite, n.cacheWrite),
      output: Math.max(t.output, n.output),
      reasoning: 0,
    };
    if (record.end > seen.end) seen.end = record.end;
  });
  return { records: [...byKey.values()], problems };
}

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
