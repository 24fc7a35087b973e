import { createHash } from 'node:crypto';
import { answerJson } from './extract.js';
import type { CapturedCase } from './capture-read.js';

/**
 * Draws an audit dataset from captured cases. The draw is a bottom-k sample: every case gets the rank
 * sha256(seed, case id) and the k lowest ranks are taken. The same seed over the same captures gives the same
 * cases in the same order on any machine; and since a case's rank depends on nothing else, captures added
 * later only take a place from a sampled case when they rank below it, so a re-sample moves as little as it can.
 */
export function sampleCases(cases: readonly CapturedCase[], k: number, seed: string): CapturedCase[] {
  return cases
    .map((c) => ({ c, rank: createHash('sha256').update(`${seed}\0${c.id}`).digest('hex') }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, k)
    .map((r) => r.c)
    .sort((a, b) => a.record.at.localeCompare(b.record.at) || a.id.localeCompare(b.id));
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
