import { recordId } from '../../../domain/ids.js';
import type { Problem } from '../../../domain/parse-result.js';
import { totalTokens, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue } from '../../each-item.js';
import { INCOMPLETE_LINE, nonBlankLines } from '../../lines.js';
import type { LogBytes, LogChunk, LogParse } from '../log-parser.js';
import { nonBlankByteLines } from '../../byte-lines.js';
import { classify, isForkOrSubagent, turnStarted, type ReplayState } from './replay.js';
import {
  envelopeSchema,
  headlessSchema,
  sessionMetaSchema,
  tokenCountSchema,
  turnContextSchema,
  usageSchema,
  type RawUsage,
} from './schema.js';
import type { z } from 'zod';
import {
  fromRaw,
  isZero,
  minus,
  sameUsage,
  toTokenCounts,
  usageKey,
  wentDown,
  type CodexUsage,
} from './usage.js';
import { MAX_TOKENS_PER_REQUEST } from '../../../domain/record-bounds.js';

export const SOURCE = 'codex-logs';
/**
 * The model of token events seen before any turn_context: early (September 2025) builds wrote none.
 * ccusage assumes gpt-5, the only model Codex then defaulted to; so do we. The record carries no marker of
 * the guess (cost stays unpriced until the pricing pass), so the choice is pinned here and in the tests.
 */
export const FALLBACK_MODEL = 'gpt-5';

/** What one chunk of a rollout leaves for the next chunk of the same file. JSON-serialisable. */
export interface CodexLogState {
  /** True once the file's own session_meta was read: later ones are a fork's copy of its parent's. */
  metaSeen: boolean;
  sessionId: string | null;
  cwd: string | null;
  branch: string | null;
  toolVersion: string | null;
  /** From the latest turn_context. */
  model: string | null;
  /** The latest turn_context's service tier, as written (`fast`, `flex`); absent in older states. */
  serviceTier?: string | null;
  /** The latest cumulative total seen (replayed ones included): the base of differences. */
  lastTotal: CodexUsage | null;
  /**
   * The latest distinct cumulative totals (usageKey, newest last, at most REMEMBERED_TOTALS): an event
   * repeating any of them is a re-emission, even after a bad line moved the running total away and back.
   * Absent in states stored by older builds.
   */
  recentTotals?: string[];
  replay: ReplayState;
}

export function initialCodexState(): CodexLogState {
  return {
    metaSeen: false,
    sessionId: null,
    cwd: null,
    branch: null,
    toolVersion: null,
    model: null,
    lastTotal: null,
    recentTotals: [],
    replay: { phase: 'none' },
  };
}

/** How many distinct cumulative totals a file's state remembers to recognise re-emissions. */
export const REMEMBERED_TOTALS = 16;

const MARKERS = [
  '"token_count"',
  '"turn_context"',
  '"session_meta"',
  '"task_started"',
  '"usage"',
  '"thread.started"',
];

/**
 * A line Codex wrote as `{"timestamp":"…","type":"response_item",…}`: a message, reasoning or tool call,
 * which no record comes from. Told by its first bytes, since looking for every marker through the line was
 * the parser's largest cost (most lines are these); a line laid out any other way is looked through.
 */
const RESPONSE_ITEM = /\{"timestamp":"[0-9T:.Z+-]{0,40}","type":"response_item",/y;

function isResponseItem(text: string): boolean {
  RESPONSE_ITEM.lastIndex = 0;
  return RESPONSE_ITEM.test(text);
}

/**
 * Codex CLI rollout files (reference §1.2): one `{timestamp, type, payload}` object per line. session_meta
 * names the session, cwd, build and branch; turn_context sets the model of the following requests;
 * `event_msg`/`token_count` carries usage. One record per request:
 * - `info.last_token_usage` when present, else the difference of `info.total_token_usage` from the
 *   previous total (the total itself after the counter went down: a resumed or compacted session);
 * - an event whose cumulative total equals the previous one is a re-emission (Codex repeats the last
 *   usage on rate-limit and UI refreshes, ccusage #824/#1288) and is skipped, as are `info: null` events
 *   and all-zero deltas;
 * - forks and subagents: the replayed parent history is skipped (see replay.ts).
 * Lines of `codex exec --json` output that carry `usage` are read too (see `headless`).
 * Tokens are normalised to Mileage's meaning (uncached input, cache reads, output with reasoning).
 */
export function parseCodexLog(chunk: LogChunk, prior: CodexLogState | undefined): LogParse<CodexLogState> {
  const reader = new RolloutReader(chunk.file, chunk.firstLine, prior);
  for (const { line, text, unterminated } of nonBlankLines(chunk.text)) reader.line(line, text, unterminated);
  return reader.result();
}

/**
 * parseCodexLog over a chunk's bytes: response_item lines (most of a rollout's bytes) are told by their first
 * and last bytes and never decoded; every other line is read as parseCodexLog reads it.
 */
export function parseCodexBytes(chunk: LogBytes, prior: CodexLogState | undefined): LogParse<CodexLogState> {
  const reader = new RolloutReader(chunk.file, chunk.firstLine, prior);
  const invalid = (n: number) =>
    reader.problems.push({
      file: chunk.file,
      line: chunk.firstLine + n - 1,
      field: null,
      message: 'invalid UTF-8',
    });
  for (const { line, text, unterminated } of nonBlankByteLines(chunk.bytes, isWholeResponseItem, invalid))
    reader.line(line, text, unterminated);
  return reader.result();
}

/** One chunk's reading: its lines in order, into records, problems and the state carried on. */
class RolloutReader {
  readonly records: UsageRecord[] = [];
  readonly problems: Problem[] = [];
  private readonly state: CodexLogState;

  constructor(
    private readonly file: string,
    private readonly firstLine: number,
    prior: CodexLogState | undefined,
  ) {
    this.state = prior ? structuredClone(prior) : initialCodexState();
    // A total stored by a build that did not read cache writes had none.
    if (this.state.lastTotal) this.state.lastTotal.cacheWrite ??= 0;
  }

  result(): LogParse<CodexLogState> {
    return { records: this.records, problems: this.problems, state: this.state };
  }

  /** Line `n` of the chunk (1-based), not blank. */
  line(n: number, text: string, unterminated: boolean): void {
    const { state, records, problems } = this;
    const line = this.firstLine + n - 1;
    const problem = (field: string | null, message: string) =>
      problems.push({ file: this.file, line, field, message });
    // Most bytes are response_item lines (messages, tool output): not parsed, for speed, but a line that
    // is not even an object is still reported.
    if (!unterminated && (isResponseItem(text) || !MARKERS.some((m) => text.includes(m)))) {
      const t = text.trim();
      if (!t.startsWith('{') || !t.endsWith('}')) problem(null, 'invalid JSON');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      problem(null, unterminated ? INCOMPLETE_LINE : 'invalid JSON');
      return;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      problem(null, 'expected a JSON object');
      return;
    }
    if (!('payload' in json)) {
      const record = headless(json, state, problem);
      if (record) records.push(record);
      return;
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      const { field, message } = describeIssue(envelope.error);
      problem(field, message);
      return;
    }
    const { timestamp, type, payload } = envelope.data;
    if (type === 'session_meta') {
      sessionMeta(payload, timestamp, state, problem);
    } else if (type === 'turn_context') {
      const ctx = turnContextSchema.safeParse(payload);
      if (ctx.success) {
        if (ctx.data.model) state.model = ctx.data.model;
        // Every turn_context says the turn's tier or none (standard): it never carries over a missing one.
        state.serviceTier = ctx.data.service_tier ?? null;
      } else {
        const { field, message } = describeIssue(ctx.error, 'payload');
        problem(field, message);
      }
    } else if (type === 'event_msg' && isEvent(payload, 'task_started')) {
      const startedAt = (payload as { started_at?: unknown }).started_at;
      state.replay = turnStarted(
        state.replay,
        typeof startedAt === 'number' && Number.isFinite(startedAt) ? startedAt : null,
      );
    } else if (type === 'event_msg' && isEvent(payload, 'token_count')) {
      const record = tokenCount(payload, timestamp, state, problem);
      if (record) records.push(record);
    }
  }
}

/**
 * The bytes of a line the text reader would pass over without a word: a response_item line as Codex writes
 * it (see RESPONSE_ITEM), ending in its closing brace.
 */
function isWholeResponseItem(bytes: Buffer, start: number, end: number): boolean {
  if (end - start < RESPONSE_HEAD.length + RESPONSE_TYPE.length || bytes[end - 1] !== 0x7d) return false;
  if (bytes.compare(RESPONSE_HEAD, 0, RESPONSE_HEAD.length, start, start + RESPONSE_HEAD.length) !== 0)
    return false;
  // The timestamp: up to 40 of [0-9T:.Z+-], then the type.
  let i = start + RESPONSE_HEAD.length;
  const limit = Math.min(end, i + 40);
  while (i < limit && TIMESTAMP_BYTE[bytes[i] as number] === 1) i += 1;
  return (
    end - i >= RESPONSE_TYPE.length &&
    bytes.compare(RESPONSE_TYPE, 0, RESPONSE_TYPE.length, i, i + RESPONSE_TYPE.length) === 0
  );
}

const RESPONSE_HEAD = Buffer.from('{"timestamp":"');
const RESPONSE_TYPE = Buffer.from('","type":"response_item",');
const TIMESTAMP_BYTE = new Uint8Array(256);
for (const c of '0123456789T:.Z+-') TIMESTAMP_BYTE[c.charCodeAt(0)] = 1;

type Report = (field: string | null, message: string) => void;

function isEvent(payload: unknown, kind: string): boolean {
  return typeof payload === 'object' && payload !== null && (payload as { type?: unknown }).type === kind;
}

function sessionMeta(payload: unknown, timestamp: string, state: CodexLogState, problem: Report): void {
  if (state.metaSeen) return;
  const meta = sessionMetaSchema.safeParse(payload);
  if (!meta.success) {
    const { field, message } = describeIssue(meta.error, 'payload');
    problem(field, message);
    return;
  }
  const m = meta.data;
  state.metaSeen = true;
  state.sessionId = m.id;
  state.cwd = m.cwd ?? null;
  state.toolVersion = m.cli_version ?? null;
  const branch = m.git?.branch;
  state.branch = branch && branch !== 'HEAD' ? branch : null;
  if (isForkOrSubagent(m)) {
    const at = Date.parse(timestamp);
    state.replay = { phase: 'replaying', forkAt: at, edge: at };
  }
}

function tokenCount(
  payload: unknown,
  timestamp: string,
  state: CodexLogState,
  problem: Report,
): UsageRecord | null {
  const plain = plainTokenCount(payload);
  const parsed = plain ? { success: true as const, data: plain } : tokenCountSchema.safeParse(payload);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error, 'payload');
    problem(field, message);
    return null;
  }
  const info = parsed.data.info;
  if (!info) return null;
  const total = info.total_token_usage ? fromRaw(info.total_token_usage) : null;
  const last = info.last_token_usage ? fromRaw(info.last_token_usage) : null;
  if (!total && !last) return null;

  const replay = classify(state.replay, Date.parse(timestamp));
  state.replay = replay.next;
  const previous = state.lastTotal;
  const repeated = total !== null && remember(state, total);
  if (total) state.lastTotal = total;
  if (replay.replayed) return null;
  if (total && previous && sameUsage(total, previous)) return null;
  // A total seen before, not just the latest: a re-emission after a bad line took the running total away.
  if (repeated) return null;

  const delta = last ?? (total && previous && !wentDown(total, previous) ? minus(total, previous) : total);
  if (!delta || isZero(delta)) return null;
  const tokens = toTokenCounts(delta);
  const sum = totalTokens(tokens);
  if (sum > MAX_TOKENS_PER_REQUEST) {
    problem('payload.info', `absurd token count ${sum} in one request (limit ${MAX_TOKENS_PER_REQUEST})`);
    return null;
  }
  return turnRecord(
    state,
    timestamp,
    usageKey(total ?? delta),
    tokens,
    info.model ?? undefined,
    info.service_tier ?? undefined,
  );
}

type TokenCount = z.infer<typeof tokenCountSchema>;

/**
 * A token_count payload in the plain shape Codex writes (every count a whole number ≥ 0, names text), checked
 * by hand: what tokenCountSchema would give it, at a fraction of the cost on 70k events a corpus. Anything
 * else is undefined, and goes through the schema and its messages.
 */
export function plainTokenCount(payload: unknown): TokenCount | undefined {
  const p = payload as { type?: unknown; info?: unknown } | null;
  if (typeof p !== 'object' || p === null || p.type !== 'token_count') return undefined;
  if (p.info === null) return { type: 'token_count', info: null };
  if (!isPlainObject(p.info)) return undefined;
  const info = p.info as Record<string, unknown>;
  const total = plainUsage(info.total_token_usage);
  const last = plainUsage(info.last_token_usage);
  if (total === false || last === false) return undefined;
  return {
    type: 'token_count',
    info: {
      ...(total === undefined ? {} : { total_token_usage: total }),
      ...(last === undefined ? {} : { last_token_usage: last }),
      ...('model' in info ? { model: nameOrNull(info.model) } : {}),
      ...('service_tier' in info ? { service_tier: nameOrNull(info.service_tier) } : {}),
    },
  };
}

/** A usage object whose present counts are all whole numbers ≥ 0 (as the schema keeps it), false if not. */
function plainUsage(value: unknown): RawUsage | null | undefined | false {
  if (value === undefined || value === null) return value;
  if (!isPlainObject(value)) return false;
  const v = value as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const key of USAGE_KEYS) {
    const n = v[key];
    if (n === undefined) continue;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return false;
    out[key] = n;
  }
  return out;
}

const USAGE_KEYS = Object.keys(usageSchema.shape);

/** `z.string().min(1).nullish().catch(null)`: a name, or null for anything else but an absent value. */
function nameOrNull(value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Notes a cumulative total; true when it was already among the remembered ones. */
function remember(state: CodexLogState, total: CodexUsage): boolean {
  const key = usageKey(total);
  const list = (state.recentTotals ??= []);
  const i = list.indexOf(key);
  if (i !== -1) list.splice(i, 1);
  list.push(key);
  if (list.length > REMEMBERED_TOTALS) list.shift();
  return i !== -1;
}

/**
 * `codex exec --json` prints `{"type":"thread.started","thread_id":…}` then one `turn.completed` line
 * with `usage` per turn (Chat Completions aliases accepted). Those lines carry no timestamp: a line with
 * `timestamp` or `created_at` becomes a record, one without is reported, never silently dropped.
 */
function headless(json: object, state: CodexLogState, problem: Report): UsageRecord | null {
  const { type, thread_id } = json as { type?: unknown; thread_id?: unknown };
  if (type === 'thread.started' && typeof thread_id === 'string' && !state.sessionId) {
    state.sessionId = thread_id;
    return null;
  }
  if (!('usage' in json)) return null;
  const parsed = headlessSchema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    problem(field, message);
    return null;
  }
  const l = parsed.data;
  const usage = fromRaw(l.usage);
  if (isZero(usage)) return null;
  const timestamp = l.timestamp ?? l.created_at;
  if (!timestamp) {
    problem('timestamp', 'usage line without a timestamp (codex exec --json output): not counted');
    return null;
  }
  const tokens = toTokenCounts(usage);
  const sum = totalTokens(tokens);
  if (sum > MAX_TOKENS_PER_REQUEST) {
    problem('usage', `absurd token count ${sum} in one request (limit ${MAX_TOKENS_PER_REQUEST})`);
    return null;
  }
  if (l.model) state.model = l.model;
  return turnRecord(state, timestamp, usageKey(usage), tokens);
}

function hints(state: CodexLogState): UsageRecord['hints'] {
  return {
    sessionId: state.sessionId ?? undefined,
    cwd: state.cwd ?? undefined,
    branch: state.branch ?? undefined,
    toolVersion: state.toolVersion ?? undefined,
  };
}

/** One turn's record: the same shape from a rollout's token_count event and from `codex exec --json`. */
function turnRecord(
  state: CodexLogState,
  timestamp: string,
  key: string,
  tokens: UsageRecord['tokens'],
  /** The model the event itself names (newer builds write `info.model`): it wins over turn_context's. */
  eventModel?: string,
  /** Likewise the event's own service tier. */
  eventTier?: string,
): UsageRecord {
  const tier = serviceTierOf(eventTier ?? state.serviceTier ?? null);
  const at = new Date(timestamp);
  return {
    id: recordId(SOURCE, state.sessionId, timestamp, key),
    source: SOURCE,
    stream: null,
    granularity: 'request',
    start: at,
    end: at,
    tool: 'codex',
    provider: 'openai',
    model: eventModel ?? state.model ?? FALLBACK_MODEL,
    tokens,
    requests: 1,
    cost: { amount: null, basis: 'list_estimate', priceRef: null },
    ...(tier ? { billing: { serviceTier: tier } } : {}),
    hints: hints(state),
  };
}

/**
 * Codex's tier words as the billing dimension names them: `fast` is OpenAI's priority processing (Codex sends
 * `priority` for it), `flex` and `priority` are OpenAI's own; `default`, `auto` and `standard` are the standard
 * tier (no dimension). Any other word is kept as written, so the record stays unpriced rather than guessed.
 */
export function serviceTierOf(word: string | null): string | undefined {
  if (word === null) return undefined;
  const w = word.trim().toLowerCase();
  if (w === '' || w === 'default' || w === 'auto' || w === 'standard') return undefined;
  return w === 'fast' ? 'priority' : w;
}
