import { describe, expect, it } from 'vitest';
import { isOutOfMemory, scanParts } from './claude-transcripts.js';

describe('the bulk reader cut into parts', () => {
  const files = (sizes: number[]) => sizes.map((size, i) => ({ path: `f${i}`, size }));
  const names = (parts: { path: string }[][]) => parts.map((p) => p.map((f) => f.path));

  it('keeps the files in order, each part at most the size asked for', () => {
    expect(names(scanParts(files([40, 50, 10, 60, 30]), 100))).toEqual([
      ['f0', 'f1', 'f2'],
      ['f3', 'f4'],
    ]);
  });

  it('gives a file larger than a part a part of its own, and nothing for no files', () => {
    expect(names(scanParts(files([10, 300, 20]), 100))).toEqual([['f0'], ['f1'], ['f2']]);
    expect(scanParts([], 100)).toEqual([]);
  });

  it("tells DuckDB's out-of-memory error from the others", () => {
    expect(
      isOutOfMemory(
        'Out of Memory Error: failed to allocate data of size 32.0 KiB (224.0 MiB/224.0 MiB used)',
      ),
    ).toBe(true);
    expect(isOutOfMemory(new Error('Out of Memory Error: could not allocate block of size 256.0 KiB'))).toBe(
      true,
    );
    expect(isOutOfMemory('Invalid Input Error: Malformed JSON')).toBe(false);
    expect(isOutOfMemory(new Error('Invalid Input Error: Malformed JSON'))).toBe(false);
  });
});
