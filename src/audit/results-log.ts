import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TokenCounts } from '../domain/usage.js';

/** A model's answer to one case and trial, as recorded: text for scoring, usage for pricing. */
export interface AnswerEntry {
  t: 'answer';
  /** sha256 of (API, base URL, model, request body, trial): the same request is never paid for twice. */
  key: string;
  case: string;
  target: string;
  trial: number;
  text: string;
  tokens: TokenCounts;
  latencyMs: number;
  /** The model id the provider says served it. */
  served: string | null;
  /** When it was answered: the price in force then prices it. */
  at: string;
}

/** A judge's score of one answer under one rubric, with its own usage (the judge's cost counts). */
export interface JudgementEntry {
  t: 'judgement';
  key: string;
  answerKey: string;
  judge: string;
  score: number | null;
  tokens: TokenCounts;
  latencyMs: number;
  at: string;
}

export type LogEntry = AnswerEntry | JudgementEntry;

/**
 * The append-only record of an audit's answers, one JSON line each, written the moment an answer arrives: it
 * is the response cache, the resume point and what `--replay` re-scores. A process killed mid-write leaves at
 * most a torn last line, which opening cuts off (that answer is asked again); every complete line is kept.
 * The first entry of a key wins, so a duplicate line can never change a result.
 */
export class ResultsLog {
  readonly #entries = new Map<string, LogEntry>();
  readonly #order: LogEntry[] = [];
  #fd: number | null = null;
  /** Bytes cut off a torn last line when the log was opened. */
  readonly tornBytes: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    let torn = 0;
    if (existsSync(path)) {
      const raw = readFileSync(path, 'utf8');
      const end = raw.lastIndexOf('\n') + 1;
      torn = Buffer.byteLength(raw.slice(end));
      for (const line of raw.slice(0, end).split('\n')) {
        if (line === '') continue;
        try {
          this.#remember(JSON.parse(line) as LogEntry);
        } catch {
          // A complete but unreadable line (edited by hand): its answer is asked again.
        }
      }
      if (torn > 0) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, Buffer.byteLength(raw.slice(0, end)));
        closeSync(fd);
      }
    }
    this.tornBytes = torn;
  }

  #remember(entry: LogEntry): boolean {
    if (typeof entry.key !== 'string' || this.#entries.has(entry.key)) return false;
    this.#entries.set(entry.key, entry);
    this.#order.push(entry);
    return true;
  }

  get(key: string): LogEntry | undefined {
    return this.#entries.get(key);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  entries(): readonly LogEntry[] {
    return this.#order;
  }

  /** Records an entry on disk before anything else happens to it (one write of one whole line). */
  append(entry: LogEntry): void {
    if (!this.#remember(entry)) return;
    this.#fd ??= openSync(this.path, 'a');
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
