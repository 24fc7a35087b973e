/** One non-blank line of a line-oriented file (JSONL), with its 1-based number. */
export interface TextLine {
  line: number;
  text: string;
  /** The last line, not ended by a newline: the file may still be being written. */
  unterminated: boolean;
}

/** What a parser reports for an unterminated last line that does not parse. */
export const INCOMPLETE_LINE = 'incomplete line (file still being written?)';

/** The non-blank lines of a text, LF or CRLF, without a leading byte-order mark. */
export function* nonBlankLines(text: string): Generator<TextLine> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parts = body.split('\n');
  const last = parts.length - 1;
  for (let i = 0; i <= last; i++) {
    const raw = parts[i] as string;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    yield { line: i + 1, text: line, unterminated: i === last };
  }
}
