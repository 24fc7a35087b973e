import { recordId } from '../../../domain/ids.js';
import type { Problem } from '../../../domain/parse-result.js';
import { fromGemini } from '../../../domain/token-semantics.js';
import { totalTokens, type TokenCounts, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue } from '../../each-item.js';
import { INCOMPLETE_LINE, nonBlankLines } from '../../lines.js';
import type { LogChunk, LogParse } from '../log-parser.js';
import { geminiMessageSchema, type GeminiMessage, type GeminiTokens } from './schema.js';
import { MAX_TOKENS_PER_REQUEST } from '../../../domain/record-bounds.js';

export const SOURCE = 'gemini-logs';

/** Carried between chunks of a `.jsonl` recording (the session id is on its first line only). */
export interface GeminiLogState {
  sessionId: string | null;
}

type Report = (line: number | null, field: string | null, message: string) => void;

/**
 * Gemini CLI chat recordings (reference §1.3), in either of the two shapes the CLI has written:
 * - `chats/session-<time>-<id>.json`: one document `{sessionId, projectHash, startTime, lastUpdated,
 *   messages[]}` rewritten whole on every save (problems then have no line number);
 * - `.jsonl` (newer builds, and subagents under `chats/<parent session>/<id>.jsonl`): a first line with
 *   the session metadata, then one line per message written or rewritten (the same id again when tokens
 *   or tool calls are added), `{"$set": {…}}` metadata updates (which may carry the whole `messages` list)
 *   and `{"$rewindTo": id}` markers.
 * Each `gemini` message with a `tokens` object is one request (zero tokens included), identified by session id + message id, so the same
 * message read from a rewritten document, a later version of a line or a `.json` migrated to `.jsonl`
 * gets one id. Messages removed by a rewind are still counted: their tokens were billed.
 */
export function parseGeminiLog(chunk: LogChunk, prior: GeminiLogState | undefined): LogParse<GeminiLogState> {
  const state: GeminiLogState = { sessionId: prior?.sessionId ?? null };
  const problems: Problem[] = [];
  const byId = new Map<string, UsageRecord>();
  const report: Report = (line, field, message) => problems.push({ file: chunk.file, line, field, message });
  const take = (raw: unknown, line: number | null, base: string) => {
    const record = message(raw, line, base, state, report);
    if (record) byId.set(record.id, record);
  };

  const document = chunk.firstLine === 1 ? asDocument(chunk.text) : undefined;
  if (document) {
    state.sessionId = document.sessionId;
    document.messages.forEach((m, i) => take(m, null, `messages[${i}]`));
    return { records: [...byId.values()], problems, state };
  }
  if (/\.json$/i.test(chunk.file)) {
    report(null, null, 'not a chat recording document (invalid JSON, or no sessionId and messages)');
    return { records: [], problems, state };
  }

  for (const { line: n, text, unterminated } of nonBlankLines(chunk.text)) {
    const line = chunk.firstLine + n - 1;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      report(line, null, unterminated ? INCOMPLETE_LINE : 'invalid JSON');
      continue;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      report(line, null, 'expected a JSON object');
      continue;
    }
    const o = json as Record<string, unknown>;
    if ('$rewindTo' in o) continue;
    if ('$set' in o) {
      const set = o.$set as Record<string, unknown> | null;
      if (set && Array.isArray(set.messages))
        set.messages.forEach((m, i) => take(m, line, `$set.messages[${i}]`));
      continue;
    }
    if (typeof o.id === 'string') {
      take(o, line, '');
    } else if (typeof o.sessionId === 'string' && state.sessionId === null) {
      state.sessionId = o.sessionId;
    }
  }
  return { records: [...byId.values()], problems, state };
}

/** The legacy whole-document shape, or undefined when the text is not one. */
function asDocument(text: string): { sessionId: string; messages: unknown[] } | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const json = JSON.parse(body) as { sessionId?: unknown; messages?: unknown };
    if (typeof json.sessionId === 'string' && Array.isArray(json.messages))
      return { sessionId: json.sessionId, messages: json.messages as unknown[] };
  } catch {
    // not one document: a JSONL recording, read line by line
  }
  return undefined;
}

function message(
  raw: unknown,
  line: number | null,
  base: string,
  state: GeminiLogState,
  report: Report,
): UsageRecord | null {
  if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== 'gemini') return null;
  const parsed = geminiMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error, base);
    report(line, field, message);
    return null;
  }
  const m = parsed.data;
  // No usage yet (null: the response never came, e.g. a cancelled request): nothing to count. A usage of
  // zero tokens is still a request the API answered, and counts as one (with no tokens to price).
  if (!m.tokens) return null;
  const tokens = normalise(m.tokens);
  const sum = totalTokens(tokens);
  if (sum > MAX_TOKENS_PER_REQUEST) {
    report(
      line,
      jsonField(base, 'tokens'),
      `absurd token count ${sum} in one request (limit ${MAX_TOKENS_PER_REQUEST})`,
    );
    return null;
  }
  return toRecord(m, tokens, state.sessionId);
}

const jsonField = (base: string, key: string) => (base === '' ? key : `${base}.${key}`);

/** A chat file's token object → Mileage's, by Gemini's rule (domain/token-semantics). */
export function normalise(t: GeminiTokens): TokenCounts {
  return fromGemini({
    prompt: t.input,
    cached: t.cached,
    candidates: t.output,
    thoughts: t.thoughts,
    toolUse: t.tool,
  });
}

function toRecord(m: GeminiMessage, tokens: TokenCounts, sessionId: string | null): UsageRecord {
  const at = new Date(m.timestamp);
  return {
    id: recordId(SOURCE, sessionId, m.id),
    source: SOURCE,
    stream: null,
    granularity: 'request',
    start: at,
    end: at,
    tool: 'gemini-cli',
    provider: 'google',
    model: m.model ?? null,
    tokens,
    requests: 1,
    cost: { amount: null, basis: 'list_estimate', priceRef: null },
    hints: { sessionId: sessionId ?? undefined },
  };
}
