import { isUtf8 } from 'node:buffer';
import type { TextLine } from './lines.js';

/**
 * The non-blank lines of a chunk of bytes, exactly as `nonBlankLines` gives them of the chunk's text decoded
 * the way the agent-log reader decodes it (src/ingest/agent-logs/chunk.ts: a leading byte-order mark dropped,
 * a line of invalid UTF-8 blanked and reported), without decoding the lines a parser can tell from their
 * bytes alone that it has nothing to read in.
 *
 * `passOver(bytes, start, end)` is asked about each terminated line of valid UTF-8 (`end` excludes the line
 * break and a carriage return before it) before it is decoded: true means the parser would read nothing in
 * it and report nothing about it, so it is neither decoded nor yielded. Most bytes of a Codex rollout are
 * such lines (messages and tool output); decoding them all cost more than parsing the rest.
 * `invalid(line)` hears of each line that is not valid UTF-8 (1-based within the chunk).
 */
export function* nonBlankByteLines(
  bytes: Buffer,
  passOver: (bytes: Buffer, start: number, end: number) => boolean,
  invalid: (line: number) => void,
): Generator<TextLine> {
  const valid = isUtf8(bytes);
  // A valid chunk is decoded whole: the decoder drops one mark at its start, nonBlankLines another. A chunk
  // with an invalid line is decoded line by line, each line losing a mark of its own (then the first line,
  // a second one).
  let start = 0;
  if (valid) start = skipMark(bytes, skipMark(bytes, 0));
  const decode = valid ? keepMark : dropMark;
  let line = 1;
  for (;;) {
    const newline = bytes.indexOf(10, start);
    const stop = newline === -1 ? bytes.length : newline;
    const end = stop > start && bytes[stop - 1] === 13 ? stop - 1 : stop;
    const unterminated = newline === -1;
    if (!asciiBlank(bytes, start, end)) {
      const ok = valid || isUtf8(bytes.subarray(start, stop));
      if (!ok) invalid(line);
      else if (unterminated || !passOver(bytes, start, end)) {
        let text = decode.decode(bytes.subarray(start, end));
        if (!valid && line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        if (text.trim() !== '') yield { line, text, unterminated };
      }
    }
    if (unterminated) return;
    start = newline + 1;
    line += 1;
  }
}

const keepMark = new TextDecoder('utf-8', { ignoreBOM: true });
const dropMark = new TextDecoder('utf-8');

function skipMark(bytes: Buffer, at: number): number {
  return bytes[at] === 0xef && bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf ? at + 3 : at;
}

/** Spaces, tabs and the like only (a line blank in other ways is decoded and trimmed as text). */
function asciiBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (b !== 32 && (b < 9 || b > 13)) return false;
  }
  return true;
}
