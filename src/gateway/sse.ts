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
 */
export class SseReader {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  feed(chunk: Buffer): void {
    this.rest += this.decoder.write(chunk);
    let end = boundary(this.rest);
    while (end !== null) {
      const raw = this.rest.slice(0, end.after);
      this.rest = this.rest.slice(end.after);
      const e = parse(raw.slice(0, end.at));
      if (e) this.onEvent({ ...e, raw });
      end = boundary(this.rest);
    }
  }

  /** What is left when the stream ends (an event the upstream never finished), as sent. */
  tail(): string {
    return this.rest + this.decoder.end();
  }
}

function boundary(text: string): { at: number; after: number } | null {
  const lf = text.indexOf('\n\n');
  const crlf = text.indexOf('\r\n\r\n');
  if (lf < 0 && crlf < 0) return null;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, after: crlf + 4 };
  return { at: lf, after: lf + 2 };
}

function parse(block: string): { event: string; data: string } | null {
  let event = '';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
    else if (line.startsWith('event:')) event = line.slice(6).trim();
  }
  return data.length === 0 && event === '' ? null : { event, data: data.join('\n') };
}
