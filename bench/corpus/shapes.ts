import { DEFAULT_CLAUDE_CORPUS, type ClaudeCorpusOptions } from './claude-code.js';
import type { CodexCorpusOptions } from './codex.js';

/**
 * The corpus shapes the agent-log benches take (`npm run bench -- claude-code --shape=distinct`, or
 * MILEAGE_BENCH_SHAPE): the same generators, with the proportion that decides where an ingest spends its
 * time pushed one way. `default` is each bench's own corpus.
 * - distinct: every assistant line a request of its own, no resumed session (the most rows to write);
 * - duplicates: many lines repeating requests already seen (blocks of one response, resumed sessions,
 *   Codex forks replaying their parent), so the dedup does most of the work;
 * - small-files: ten times the files, each a tenth of the size (listing, opening, per-file state);
 * - huge-files: a hundredth of the files, each a hundred times the size.
 */
export const SHAPES = ['default', 'distinct', 'duplicates', 'small-files', 'huge-files'] as const;
export type Shape = (typeof SHAPES)[number];

export function shapeFromEnv(): Shape {
  const value = process.env.MILEAGE_BENCH_SHAPE ?? 'default';
  if (!(SHAPES as readonly string[]).includes(value))
    throw new Error(`unknown corpus shape "${value}"; known: ${SHAPES.join(', ')}`);
  return value as Shape;
}

/** The Claude Code corpus of a shape; MILEAGE_BENCH_CC_LINES scales its assistant lines (default 1.06M). */
export function claudeShape(shape: Shape): ClaudeCorpusOptions {
  const lines = Number(process.env.MILEAGE_BENCH_CC_LINES ?? DEFAULT_CLAUDE_CORPUS.assistantLines);
  const base = { ...DEFAULT_CLAUDE_CORPUS, assistantLines: lines };
  const sessions = DEFAULT_CLAUDE_CORPUS.sessions;
  switch (shape) {
    case 'default':
      return base;
    case 'distinct':
      return { ...base, maxBlocks: 1, resumeShare: 0 };
    case 'duplicates':
      return { ...base, maxBlocks: 8, resumeShare: 0.6 };
    case 'small-files':
      return { ...base, sessions: sessions * 10 };
    case 'huge-files':
      return { ...base, sessions: Math.max(1, Math.round(sessions / 100)) };
    default:
      return shape satisfies never;
  }
}

/** The Codex corpus of a shape, from the files and requests asked for (the generator's defaults otherwise). */
export function codexShape(shape: Shape, size: { files?: number; requests?: number }): CodexCorpusOptions {
  const files = size.files ?? 2000;
  switch (shape) {
    case 'default':
    case 'distinct':
      return size;
    case 'duplicates':
      return { ...size, forkShare: 0.6 };
    case 'small-files':
      return { ...size, files: files * 10 };
    case 'huge-files':
      return { ...size, files: Math.max(1, Math.round(files / 100)) };
    default:
      return shape satisfies never;
  }
}
