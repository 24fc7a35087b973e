import type { UsageRecord } from '../domain/usage.js';
import type { AppliedPrice, PricingTarget } from './db.js';

/**
 * The part of the store that local agent logs go through (Claude Code, Codex, Gemini CLI, Copilot CLI).
 *
 * Records are first staged, then merged into `agent_requests` — one row per request however many copies
 * were read (content-block lines, resumed sessions, several machines, re-reads of a file) — and published
 * to `usage` with replays collapsed. Merging keeps the largest count of each token type and the earliest
 * copy's metadata, so reading the same logs in any order, in any number of pieces, ends with the same rows.
 */
export interface TranscriptFile {
  path: string;
  /** Bytes, as the ingest saw them: the bulk reader cuts its work into parts by size. */
  size: number;
  actor: string | null;
  machineId: string | null;
}

export interface TranscriptScan {
  path: string;
  /** JSON lines the reader saw, the unterminated last one included. */
  rows: number;
  /**
   * A line the bulk reader cannot vouch for (invalid JSON or UTF-8, a wrong type, a negative or absurd
   * count, an incomplete last line): the file staged nothing and must go through the exact parser.
   */
  suspicious: boolean;
}

/** How far a log file has been read. `lines` is null when unknown (counted lazily when a problem needs it). */
export interface LogFileState {
  path: string;
  source: string;
  size: number;
  mtimeMs: number;
  inode: string;
  offset: number;
  lines: number | null;
  tailHash: string;
  state: string | null;
  problems: number;
}

/**
 * List prices for (provider, model, UTC day) keys, as the pricing pass would apply them: the commit prices the
 * requests it writes with them, so the pass after it has nothing left to do.
 */
export type PriceLookup = (targets: readonly PricingTarget[]) => readonly AppliedPrice[];

export interface AgentCommit {
  /** Distinct requests merged from the stage. */
  staged: number;
  /** Of those, requests the store did not have before. */
  added: number;
}

/** A request as carried in a bundle: the stored row, with the person's identity kept out (the bundle names it once). */
export type AgentRequestRow = Record<string, string | number | boolean | null>;

export interface AgentLogStore {
  /** Bulk-read whole Claude Code transcripts with the store's own JSON reader into the stage. */
  stageClaudeTranscripts(files: readonly TranscriptFile[]): Promise<TranscriptScan[]>;
  /** Stage records parsed by a JS parser (any agent-log source). */
  stageRecords(records: readonly UsageRecord[]): Promise<void>;
  /** Stage rows read from a bundle, attributed to the bundle's person and machine. */
  stageBundleRows(
    rows: readonly AgentRequestRow[],
    actor: string | null,
    machineId: string | null,
  ): Promise<void>;
  /**
   * Merge the stage into the stored requests and publish them as usage. `resolveRepos` names the repository
   * of working directories seen for the first time.
   */
  commit(
    resolveRepos: (cwds: string[]) => Promise<Map<string, string>>,
    priceFor?: PriceLookup,
  ): Promise<AgentCommit>;
  fileStates(source: string): Promise<LogFileState[]>;
  saveFileStates(states: readonly LogFileState[]): Promise<void>;
  /**
   * The stored requests of the given sources, written to `path` as JSON lines (one AgentRequestRow each,
   * oldest first, without the person and machine), for a bundle. Returns how many were written.
   */
  exportRequests(sources: readonly string[], path: string): Promise<number>;
  /** Drops whatever is staged and not committed (a load that failed midway). */
  discardStage(): Promise<void>;
}
