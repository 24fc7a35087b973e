import { traceStep } from '../../domain/trace.js';
import { createHash } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import { withPremiumRate, type PremiumRate } from '../../domain/copilot-billing.js';
import { MileageError } from '../../domain/errors.js';
import type { Problem } from '../../domain/parse-result.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { LogSource } from '../../sources/spend/log-parser.js';
import type { LogFileState, TranscriptFile } from '../../store/agent-logs.js';
import type { Db } from '../../store/db.js';
import { resolvePrices, type PriceResolver } from '../pricing-pass.js';
import type { IngestSummary } from '../summary.js';
import {
  countNewlines,
  decodeChunk,
  readByteChunks,
  readBytes,
  tailBefore,
  type ByteChunk,
} from './chunk.js';
import { resolveRepos } from './repos.js';
import { screenUsage } from '../screen.js';
import { walkFiles } from '../walk.js';

/**
 * Incremental reading of local agent logs. Each file's read offset is stored with its size, mtime, inode
 * and a hash of the bytes just before the offset:
 * - unchanged (same size, mtime and inode): not opened;
 * - grown, same inode, same bytes before the offset: only the appended part is parsed, from the offset,
 *   with the parser state carried from the last run (append-only sources);
 * - anything else (new, truncated, rotated, rewritten): read whole again — safe, because every copy of a
 *   request merges into one stored request however often it is read.
 * Whole Claude Code transcripts go through the store's bulk reader; what it flags, and every appended
 * part, goes through the exact parser. Nothing is published until the run's records are merged, so a run
 * killed midway leaves the store as it was and the next run redoes the work.
 */
export interface AgentLogOptions {
  /** Whose logs these are (email or login), per file; undefined when unknown. */
  actorFor?: (file: string) => string | undefined;
  /**
   * The repository key of a session's folder (default: read from the checkout on this machine, see
   * src/sources/checkout.ts). The demo names its laptops' checkouts, which do not exist here.
   */
  repoOf?: (cwd: string) => string;
  machineId?: string;
  onProgress?: (done: number, total: number) => void;
  /** Use the exact parser for every file (tests compare both paths). */
  exactOnly?: boolean;
  /** List prices: requests are written priced (the pricing pass after the ingest then has nothing to do). */
  prices?: PriceResolver;
  /** Bytes of whole lines the exact parser takes at a time (default CHUNK_BYTES; tests cut it small). */
  chunkBytes?: number;
  /** Each file's stat as this run saw it (for the manifest that lets a no-op re-run skip the database). */
  onSeen?: (path: string, stat: Stats) => void;
  /** The org's price of a Copilot premium request (mileage.yaml), for records billed in premium requests. */
  premiumRate?: PremiumRate;
}

export interface AgentLogSummary extends IngestSummary {
  unchanged: number;
  appended: number;
  whole: number;
  /** Whole files the bulk reader took; the rest of `whole` went through the exact parser. */
  bulk: number;
}

const BATCH = 50_000;

interface Candidate {
  path: string;
  stat: Stats;
  stored: LogFileState | undefined;
}

export async function ingestAgentLogs<S>(
  db: Db,
  source: LogSource<S>,
  roots: string[],
  options: AgentLogOptions = {},
): Promise<AgentLogSummary> {
  const summary: AgentLogSummary = {
    source: source.source,
    files: 0,
    unchanged: 0,
    appended: 0,
    whole: 0,
    bulk: 0,
    records: 0,
    written: 0,
    alreadyStored: 0,
    problems: [],
  };
  let t = performance.now();
  const listed = roots.map((root) => walkLogFiles(root, source.accept));
  const files = listed.flatMap((l) => l.files);
  summary.problems.push(...listed.flatMap((l) => l.skipped));
  summary.files = files.length;
  const stored = new Map((await db.agentLogs.fileStates(source.source)).map((s) => [s.path, s]));
  const whole: Candidate[] = [];
  const appended: Candidate[] = [];
  for (const path of files) {
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch (cause) {
      summary.problems.push({ file: path, line: null, field: null, message: unreadable(cause) });
      continue;
    }
    options.onSeen?.(path, stat);
    const before = stored.get(path);
    if (before && unchanged(before, stat)) summary.unchanged += 1;
    else if (before && source.appendOnly && grewInPlace(path, before, stat))
      appended.push({ path, stat, stored: before });
    else whole.push({ path, stat, stored: undefined });
  }
  traceStep('list and stat', t);
  const total = whole.length + appended.length;
  let done = 0;
  const tick = () => options.onProgress?.(++done, total);
  const states: LogFileState[] = [];
  let pending: UsageRecord[] = [];
  // The stage's share of the exact parser's time (MILEAGE_TRACE): its CPU includes DuckDB's threads.
  let staging = { wall: 0, cpu: 0 };
  const flush = async () => {
    const from = { wall: performance.now(), cpu: process.cpuUsage() };
    await db.agentLogs.stageRecords(pending);
    pending = [];
    const cpu = process.cpuUsage(from.cpu);
    staging = {
      wall: staging.wall + performance.now() - from.wall,
      cpu: staging.cpu + cpu.user + cpu.system,
    };
  };
  const exact = async (c: Candidate) => {
    const from = c.stored?.offset ?? 0;
    const firstLine = (c.stored?.lines ?? 0) + 1;
    let state = c.stored?.state ? (JSON.parse(c.stored.state) as S) : undefined;
    const records: UsageRecord[] = [];
    const problems: Problem[] = [];
    let newlines = 0;
    let end: ByteChunk | undefined;
    try {
      // A JSONL file in chunks of whole lines, the parser's state carried from one to the next as from one
      // run to the next; a whole-document format (Gemini's session files) in one piece.
      const window = source.appendOnly ? options.chunkBytes : Number.POSITIVE_INFINITY;
      for (const chunk of readByteChunks(c.path, from, c.stat.size, window)) {
        const at = firstLine + newlines;
        const parsed = source.parseBytes
          ? source.parseBytes({ file: c.path, bytes: chunk.bytes, firstLine: at }, state)
          : source.parse(
              { file: c.path, text: decodeChunk(chunk.bytes, c.path, at, problems), firstLine: at },
              state,
            );
        state = parsed.state;
        for (const r of parsed.records) records.push(r);
        problems.push(...parsed.problems);
        newlines += chunk.newlines;
        end = chunk;
      }
    } catch (cause) {
      // Nothing of a file that could not be read to its end is kept: the next run reads it again.
      summary.problems.push({ file: c.path, line: null, field: null, message: unreadable(cause) });
      return;
    }
    if (!end) return;
    if (!c.stored && records.length === 0 && problems.length === 0 && state !== undefined) {
      const why = source.unrecognised?.(state);
      if (why) problems.push({ file: c.path, line: null, field: null, message: why });
    }
    // An appended part of a file read in bulk before: its line numbers are known only now that we need them.
    if (problems.length > 0 && c.stored && c.stored.lines === null) {
      const base = countNewlines(readBytes(c.path, 0, from));
      for (const p of problems) if (p.line !== null) p.line += base;
    }
    const screened = screenUsage(records, c.path);
    summary.problems.push(...problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), ...screened.problems);
    const actor = options.actorFor?.(c.path);
    for (const r of screened.kept) {
      if (actor) r.hints.actor = actor;
      if (options.premiumRate) withPremiumRate(r, options.premiumRate);
      if (options.machineId) r.hints.machineId = options.machineId;
      pending.push(r);
    }
    if (pending.length >= BATCH) await flush();
    const lines = c.stored ? (c.stored.lines === null ? null : c.stored.lines + newlines) : newlines;
    states.push(stateOf(source.source, c, end.nextOffset, lines, hash(end.tail), state, problems.length));
    tick();
  };

  // Whole Claude Code transcripts: the bulk reader first, the exact parser for what it flags.
  let exactWhole = whole;
  if (source.source === 'claude-code-logs' && !options.exactOnly && whole.length > 0) {
    const inputs: TranscriptFile[] = whole.map((c) => ({
      path: c.path,
      size: c.stat.size,
      actor: options.actorFor?.(c.path) ?? null,
      machineId: options.machineId ?? null,
    }));
    const scans = await db.agentLogs.stageClaudeTranscripts(inputs);
    const flagged = new Set(scans.filter((s) => s.suspicious).map((s) => s.path));
    exactWhole = whole.filter((c) => flagged.has(c.path));
    for (const c of whole) {
      if (flagged.has(c.path)) continue;
      const size = c.stat.size;
      const end = lastNewlineEnd(c.path, size);
      states.push(stateOf(source.source, c, end, null, hash(tailBefore(c.path, end)), null, 0));
      summary.bulk += 1;
      tick();
    }
  }
  summary.whole = whole.length;
  summary.appended = appended.length;
  t = performance.now();
  for (const c of [...exactWhole, ...appended]) await exact(c);
  await flush();
  traceStep(
    `exact parser (${exactWhole.length + appended.length} files; staging ${(staging.wall / 1000).toFixed(2)} s, cpu ${(staging.cpu / 1e6).toFixed(2)} s of it)`,
    t,
  );
  t = performance.now();
  const book = options.prices;
  const repoOf = options.repoOf;
  const committed = await db.agentLogs.commit(
    repoOf ? (cwds) => Promise.resolve(new Map(cwds.map((c) => [c, repoOf(c)]))) : resolveRepos,
    book ? (targets) => resolvePrices(book, targets).prices : undefined,
  );
  traceStep('commit', t);
  t = performance.now();
  // Records: distinct requests merged in this run; written: those the store did not have before.
  summary.records = committed.staged;
  summary.written = committed.added;
  summary.alreadyStored = committed.staged - committed.added;
  await db.agentLogs.saveFileStates(states);
  traceStep('file states', t);
  return summary;
}

function stateOf(
  source: string,
  c: Candidate,
  offset: number,
  lines: number | null,
  tailHash: string,
  state: unknown,
  problems: number,
): LogFileState {
  return {
    path: c.path,
    source,
    size: c.stat.size,
    mtimeMs: c.stat.mtimeMs,
    inode: `${c.stat.dev}:${c.stat.ino}`,
    offset,
    lines,
    tailHash,
    state: state === null || state === undefined ? null : JSON.stringify(state),
    problems,
  };
}

function unchanged(s: LogFileState, stat: Stats): boolean {
  return s.size === stat.size && s.mtimeMs === stat.mtimeMs && s.inode === `${stat.dev}:${stat.ino}`;
}

/** Same file, longer, and the bytes before the old offset are still the ones read: an append. */
function grewInPlace(path: string, s: LogFileState, stat: Stats): boolean {
  if (s.inode !== `${stat.dev}:${stat.ino}` || stat.size < s.offset || stat.size < s.size) return false;
  try {
    return hash(tailBefore(path, s.offset)) === s.tailHash;
  } catch {
    return false;
  }
}

function hash(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The offset just after the last newline: an unterminated last line is read again next time. */
function lastNewlineEnd(path: string, size: number): number {
  const step = 64 * 1024;
  for (let end = size; end > 0; end -= step) {
    const from = Math.max(0, end - step);
    const i = readBytes(path, from, end).lastIndexOf(10);
    if (i !== -1) return from + i + 1;
  }
  return 0;
}

function unreadable(cause: unknown): string {
  return `cannot read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`;
}

/**
 * Every accepted file under a folder (recursively, following links; a file is taken as itself), sorted, and
 * what was skipped with why (see walk.ts).
 */
export function walkLogFiles(
  root: string,
  accept: (path: string) => boolean,
): { files: string[]; skipped: Problem[] } {
  try {
    statSync(root);
  } catch (cause) {
    throw new MileageError(
      'not_found',
      `${root}: no such file or directory`,
      'Check the path, or pass another one.',
      {
        cause,
      },
    );
  }
  return walkFiles(root, accept);
}

/** walkLogFiles' files alone. */
export function listLogFiles(root: string, accept: (path: string) => boolean): string[] {
  return walkLogFiles(root, accept).files;
}
