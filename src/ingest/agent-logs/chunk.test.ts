import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readChunks, type ReadChunk } from './chunk.js';

const root = mkdtempSync(join(tmpdir(), 'mileage-chunks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, bytes: Buffer | string): { path: string; size: number } {
  const path = join(root, name);
  const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  writeFileSync(path, data);
  return { path, size: data.length };
}

/** The whole range in one read: the one chunk an infinite window gives. */
function readWhole(path: string, from: number, size: number): ReadChunk {
  const chunks = [...readChunks(path, from, size, 1, Number.POSITIVE_INFINITY)];
  expect(chunks).toHaveLength(1);
  return chunks[0] as ReadChunk;
}

/** Everything readChunks gives over a range, folded back into one chunk's view. */
function joined(path: string, from: number, size: number, window: number) {
  const chunks = [...readChunks(path, from, size, 1, window)];
  const last = chunks.at(-1);
  return {
    chunks: chunks.length,
    text: chunks.map((c) => c.text).join(''),
    newlines: chunks.reduce((n, c) => n + c.newlines, 0),
    problems: chunks.flatMap((c) => c.problems),
    nextOffset: last?.nextOffset,
    tail: last?.tail.toString('hex'),
  };
}

describe('reading a file in chunks of whole lines', () => {
  const lines = Array.from({ length: 40 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i * 7)}"}`);

  it('gives, chunk after chunk, exactly what one read of the whole range gives', () => {
    // Ends mid-line (a file being written), has a line longer than the window and a line of invalid UTF-8.
    const bytes = Buffer.concat([
      Buffer.from(lines.slice(0, 20).join('\n') + '\n'),
      Buffer.from('{"bad":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
      Buffer.from(`{"long":"${'y'.repeat(5000)}"}\n`),
      Buffer.from(lines.slice(20).join('\n') + '\n{"unterminated":'),
    ]);
    const f = file('mixed.jsonl', bytes);
    const whole = readWhole(f.path, 0, f.size);
    for (const window of [1, 7, 64, 1000, 1 << 20]) {
      const parts = joined(f.path, 0, f.size, window);
      expect(parts.text, `window ${window}`).toBe(whole.text);
      expect(parts.newlines).toBe(whole.newlines);
      expect(parts.problems).toEqual(whole.problems);
      expect(parts.problems[0]?.line).toBe(21);
      expect(parts.nextOffset).toBe(whole.nextOffset);
      expect(parts.tail).toBe(whole.tail.toString('hex'));
      if (window <= 1000) expect(parts.chunks).toBeGreaterThan(2);
    }
  });

  it('starts at an offset, and ends cleanly on a final newline or an empty range', () => {
    const f = file('clean.jsonl', lines.join('\n') + '\n');
    const from = Buffer.byteLength(lines.slice(0, 5).join('\n') + '\n');
    const whole = readWhole(f.path, from, f.size);
    expect(joined(f.path, from, f.size, 50)).toMatchObject({
      text: whole.text,
      newlines: 35,
      nextOffset: f.size,
    });
    expect(joined(f.path, f.size, f.size, 50)).toMatchObject({ chunks: 1, text: '', newlines: 0 });
  });

  it('stops at the bytes there are when the file is shorter than the size it was seen with', () => {
    const f = file('cut.jsonl', lines.slice(0, 3).join('\n'));
    const seen = joined(f.path, 0, f.size + 500, 8);
    expect(seen.text).toBe(lines.slice(0, 3).join('\n'));
    expect(seen.nextOffset).toBe(Buffer.byteLength(lines.slice(0, 2).join('\n') + '\n'));
  });
});
