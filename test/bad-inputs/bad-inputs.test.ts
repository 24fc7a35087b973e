import { describe, expect, it } from 'vitest';
import { CORPUS } from './corpus.js';
import { runCorpus, summarise } from './runner.js';

describe('bad-input corpus', () => {
  it('rejects or accepts every input as documented, loses no good row and bricks no store', async () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(300);
    const results = await runCorpus();
    const summary = summarise(results);
    process.stdout.write(`${summary}\n`);
    expect(
      results.filter((r) => !r.ok).map((r) => `${r.id}: expected ${r.expected}, measured ${r.measured}`),
    ).toEqual([]);
    expect(results.reduce((a, r) => a + r.goodLost, 0)).toBe(0);
    expect(results.filter((r) => r.bricked).map((r) => r.id)).toEqual([]);
  }, 600_000);
});
