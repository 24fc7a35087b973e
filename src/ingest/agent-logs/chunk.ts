import { closeSync, openSync, readSync } from 'node:fs';
import type { Problem } from '../../domain/parse-result.js';

/** The bytes of a file from `from` to its current end, decoded; a line of invalid UTF-8 is blanked and reported. */
export interface ReadChunk extends ByteChunk {
  text: string;
  problems: Problem[];
}

const TAIL = 256;
const decoder = new TextDecoder('utf-8', { fatal: true });

export function readBytes(path: string, from: number, to: number): Buffer {
  const length = Math.max(0, to - from);
  const buffer = Buffer.allocUnsafe(length);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The bytes that end at `offset` (up to 256), which identify what was read so far. */
export function tailBefore(path: string, offset: number): Buffer {
  return readBytes(path, Math.max(0, offset - TAIL), offset);
}

export function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n += 1;
  return n;
}

/**
 * Bytes of whole lines read at a time by readChunks: a parsed chunk's text, lines and their garbage stay
 * small (a whole file of hundreds of MB would be one string, near V8's limit on a string's length, and would
 * stay in memory until a full collection).
 */
export const CHUNK_BYTES = 1024 * 1024;

/** Whole lines of a file as bytes, not decoded (see readChunks). */
export interface ByteChunk {
  bytes: Buffer;
  /** Where the next read starts: just after the last newline (an unterminated last line is read again). */
  nextOffset: number;
  /** Newlines in the chunk: the number of complete lines consumed. */
  newlines: number;
  /** The bytes just before `nextOffset`, to recognise this file's content next time. */
  tail: Buffer;
}

/**
 * The file from `from` to `size` as consecutive chunks of whole lines of about `window` bytes (a line longer
 * than that gets a chunk of its own); the last chunk also carries an unterminated last line. Their texts end
 * to end, and their problems, are those of one read of the whole range, which an infinite window gives.
 */
export function* readChunks(
  path: string,
  from: number,
  size: number,
  firstLine: number,
  window = CHUNK_BYTES,
): Generator<ReadChunk> {
  let line = firstLine;
  for (const chunk of readByteChunks(path, from, size, window)) {
    const problems: Problem[] = [];
    yield { ...chunk, text: decodeChunk(chunk.bytes, path, line, problems), problems };
    line += chunk.newlines;
  }
}

/** readChunks' chunks as bytes, for a parser that decodes only the lines it reads (LogSource.parseBytes). */
export function* readByteChunks(
  path: string,
  from: number,
  size: number,
  window = CHUNK_BYTES,
): Generator<ByteChunk> {
  let at = from;
  for (;;) {
    let span = window;
    let bytes: Buffer;
    let last: boolean;
    // Not the end of the file: cut after the last newline, reading further while a line outgrows the window.
    // A file that turns out shorter than `size` (cut while being read) ends where its bytes end.
    do {
      const want = Math.min(size, at + span) - at;
      bytes = readBytes(path, at, at + want);
      last = bytes.length < want || at + want >= size;
      span *= 2;
    } while (!last && bytes.lastIndexOf(10) === -1);
    const chunk = cutChunk(last ? bytes : bytes.subarray(0, bytes.lastIndexOf(10) + 1), path, at);
    yield chunk;
    if (last) return;
    at = chunk.nextOffset;
  }
}

function cutChunk(bytes: Buffer, path: string, from: number): ByteChunk {
  const consumed = bytes.lastIndexOf(10) + 1;
  const tail =
    consumed >= TAIL ? bytes.subarray(consumed - TAIL, consumed) : tailBefore(path, from + consumed);
  return { bytes, nextOffset: from + consumed, newlines: countNewlines(bytes), tail };
}

/** A chunk's text; a line of invalid UTF-8 is blanked and added to `problems`. */
export function decodeChunk(bytes: Buffer, path: string, firstLine: number, problems: Problem[]): string {
  try {
    return decoder.decode(bytes);
  } catch {
    return decodeLineByLine(bytes, path, firstLine, problems);
  }
}

/** Invalid UTF-8 is a bad line, not a bad file: blank that line (keeping line numbers) and report it. */
function decodeLineByLine(bytes: Buffer, file: string, firstLine: number, problems: Problem[]): string {
  const lines: string[] = [];
  let start = 0;
  let line = firstLine;
  while (start <= bytes.length) {
    const end = bytes.indexOf(10, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      lines.push(decoder.decode(bytes.subarray(start, stop)));
    } catch {
      lines.push('');
      problems.push({ file, line, field: null, message: 'invalid UTF-8' });
    }
    if (end === -1) break;
    start = end + 1;
    line += 1;
  }
  return lines.join('\n');
}
