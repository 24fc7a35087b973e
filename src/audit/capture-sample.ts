import { createHash } from 'node:crypto';
import type { CapturedCase } from './capture-read.js';
import { answerJson } from './extract.js';

/**
 * Draws an audit dataset from captured cases. The draw is a bottom-k sample: every case gets the rank
 * sha256(seed, case id) and the k lowest ranks are taken. The same seed over the same captures gives the same
 * cases in the same order on any machine; and since a case's rank depends on nothing else, captures added
 * later only take a place from a sampled case when they rank below it, so a re-sample moves as little as it can.
 * Cases are offered one at a time and only the k best so far are held, so a draw from many days of captures
 * needs memory for k cases, not for all of them.
 */
export class SampleDraw {
  /** A max-heap on rank: the root is the worst case held, the first to go when a better one is offered. */
  private readonly heap: { rank: string; c: CapturedCase }[] = [];

  constructor(
    private readonly k: number,
    private readonly seed: string,
  ) {}

  offer(c: CapturedCase): void {
    const rank = createHash('sha256').update(`${this.seed}\0${c.id}`).digest('hex');
    if (this.heap.length < this.k) {
      this.heap.push({ rank, c });
      this.siftUp(this.heap.length - 1);
    } else if (this.k > 0 && rank < (this.heap[0]?.rank ?? '')) {
      this.heap[0] = { rank, c };
      this.siftDown(0);
    }
  }

  /** The drawn cases in capture order, so the dataset reads as the workflow saw its requests. */
  cases(): CapturedCase[] {
    return this.heap
      .map((h) => h.c)
      .sort((a, b) => a.record.at.localeCompare(b.record.at) || a.id.localeCompare(b.id));
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.rank >= h[i]!.rank) return;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let top = i;
      if (left < h.length && h[left]!.rank > h[top]!.rank) top = left;
      if (right < h.length && h[right]!.rank > h[top]!.rank) top = right;
      if (top === i) return;
      [h[top], h[i]] = [h[i]!, h[top]!];
      i = top;
    }
  }
}

export function sampleCases(cases: readonly CapturedCase[], k: number, seed: string): CapturedCase[] {
  const draw = new SampleDraw(k, seed);
  for (const c of cases) draw.offer(c);
  return draw.cases();
}

export interface DatasetLineOptions {
  /** Tags added to every case, after the captured ones. */
  tags: readonly string[];
  /** The incumbent's captured answer as the case's reference (its JSON when it carries JSON, else its text). */
  referenceFromAnswer: boolean;
}

/** A sampled case as a line of the dataset format `audit run` reads (src/audit/dataset.ts). */
export function toDatasetLine(c: CapturedCase, options: DatasetLineOptions): string {
  const tags = [...new Set([...(c.record.tags ?? []), ...options.tags])];
  const reference = options.referenceFromAnswer
    ? (answerJson(c.record.answer) ?? c.record.answer)
    : undefined;
  return JSON.stringify({
    id: c.id,
    format: c.record.format,
    request: c.record.request,
    ...(reference === undefined ? {} : { reference }),
    ...(tags.length ? { tags } : {}),
  });
}
