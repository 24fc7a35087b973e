import { StringDecoder } from 'node:string_decoder';

/** One server-sent event: its `event:` name ('' when none), its `data:` lines joined, and its text as sent. */
export interface SseEvent {
  event: string;
  data: string;
  raw: string;
}

/**
 * Reads server-sent events out of a byte stream as it arrives, without holding it: bytes are decoded across
 * chunk boundaries (a UTF-8 character may be split), and each complete event (ended by a blank line, `\n\n`
 * or `\r\n\r\n`) is handed on; the unfinished tail waits for the next chunk.
 *
 * It runs on every chunk of every streamed answer, so it walks the text by index: no regular expression, no
 * line array, and the event's fields are slices of the chunk's text (which V8 keeps as views, not copies).
 */
export class SseReader {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  feed(chunk: Buffer): void {
    const decoded = this.decoder.write(chunk);
    const text = this.rest === '' ? decoded : this.rest + decoded;
    // Providers end lines with LF; a stream with a CR anywhere takes the general path.
    const crlf = text.includes('\r');
    let from = 0;
    for (;;) {
      const lf = text.indexOf('\n\n', from);
      let at = lf;
      let after = lf + 2;
      if (crlf) {
        const cr = text.indexOf('\r\n\r\n', from);
        if (cr >= 0 && (lf < 0 || cr < lf)) {
          at = cr;
          after = cr + 4;
        }
      }
      if (at < 0) break;
      const e = fields(text, from, at);
      if (e) this.onEvent({ event: e.event, data: e.data, raw: text.slice(from, after) });
      from = after;
    }
    this.rest = from === 0 ? text : text.slice(from);
  }

  /** What is left when the stream ends (an event the upstream never finished), as sent. */
  tail(): string {
    return this.rest + this.decoder.end();
  }
}

/** The `event:` and `data:` fields of the event in text[from, to); null for a block with neither (a comment). */
function fields(text: string, from: number, to: number): { event: string; data: string } | null {
  let event = '';
  let data: string | null = null;
  let line = from;
  while (line < to) {
    let end = text.indexOf('\n', line);
    if (end < 0 || end > to) end = to;
    const stop = end > line && text.charCodeAt(end - 1) === 13 ? end - 1 : end; // a CR before the LF
    if (text.startsWith('data:', line)) {
      const value = text.slice(line + (text.charCodeAt(line + 5) === 32 ? 6 : 5), stop);
      data = data === null ? value : `${data}\n${value}`;
    } else if (text.startsWith('event:', line)) event = text.slice(line + 6, stop).trim();
    line = end + 1;
  }
  return data === null && event === '' ? null : { event, data: data ?? '' };
}
