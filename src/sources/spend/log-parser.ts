import type { ParseResult } from '../../domain/parse-result.js';
import type { UsageRecord } from '../../domain/usage.js';

/**
 * The contract of every local agent-log parser (Claude Code, Codex, Gemini CLI, Copilot CLI), so that one
 * incremental reader can drive them all.
 *
 * Append-only logs are read from the byte offset where the last run stopped: `text` then starts at a line
 * boundary, `firstLine` is the 1-based number of its first line in the file (problems report file lines),
 * and `state` is what the parser returned for the previous chunk of the same file (for example Codex's
 * cumulative token counter and current model), or undefined for a read from the start. Parsing a file in
 * two chunks must yield the same records as parsing it whole.
 *
 * Record ids must be stable across such splits and across machines: derived from the request's own ids
 * (message id, request id, session id and turn), never from the file path or the line number.
 */
export interface LogChunk {
  file: string;
  text: string;
  firstLine: number;
}

/**
 * A chunk as bytes (whole lines, as for `text`): for a parser that can tell most lines it has nothing to read
 * in from their bytes, without decoding them (see src/sources/byte-lines.ts).
 */
export interface LogBytes {
  file: string;
  bytes: Buffer;
  firstLine: number;
}

export interface LogParse<S> extends ParseResult<UsageRecord> {
  /** Carried to the next chunk of the same file. Must be JSON-serialisable: it is stored with the offset. */
  state: S;
}

export type LogParser<S> = (chunk: LogChunk, state: S | undefined) => LogParse<S>;

/** How a tool writes its logs, which decides how the incremental reader treats a changed file. */
export interface LogSource<S> {
  source: string;
  tool: string;
  /** True when files only ever grow (JSONL); false when a file is rewritten whole on each save (Gemini JSON). */
  appendOnly: boolean;
  accept: (path: string) => boolean;
  parse: LogParser<S>;
  /**
   * The same parser over a chunk's bytes, when it has such a path: the same records, state and problems as
   * `parse` on the chunk decoded as the reader decodes it (invalid UTF-8 included), in less time.
   */
  parseBytes?: (chunk: LogBytes, state: S | undefined) => LogParse<S>;
  /**
   * After a whole file gave no record and no problem: why, when its content was not this tool's at all
   * (the state after its last chunk says so), else null. Reported, so a folder of unknown files never
   * reads as a silent "0 records".
   */
  unrecognised?: (state: S) => string | null;
}
