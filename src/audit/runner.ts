import { usd, ZERO_USD, type Usd } from '../domain/money.js';
import type { TokenCounts } from '../domain/usage.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { QualityBar } from './bar.js';
import { callProvider, DEFAULT_RETRY, type RetryPolicy } from './call.js';
import type { AuditCase } from './dataset.js';
import { judgeRequest, judgeScore, type JudgeCheck } from './judge.js';
import { maxOutputTokens, toNeutral, UntranslatableRequest } from './providers/prompt.js';
import type { AnswerEntry, ResultsLog } from './results-log.js';
import { endpointFor, parseTarget, type Endpoint, type Target } from './target.js';
import { judgementKey, taskFor } from './task-key.js';

export interface RunInputs {
  cases: readonly AuditCase[];
  /** The incumbent first, then the candidates. */
  targets: readonly Target[];
  bar: QualityBar;
  stream: boolean;
}

export interface RunOptions {
  log: ResultsLog;
  /** A response cache shared by audits (answers to identical requests are reused, not paid again). */
  cache: ResultsLog | null;
  book: PriceBook;
  env: NodeJS.ProcessEnv;
  concurrency: number;
  /** Requests per minute per target (0: unlimited). */
  requestsPerMinute: number;
  /** The audit's own spending cap, USD; null for none. */
  maxSpend: Usd | null;
  retry?: RetryPolicy;
  onProgress?: (p: RunProgress) => void;
}

export interface RunProgress {
  done: number;
  total: number;
  spent: Usd;
}

export interface RunOutcome {
  /** Calls made now (answers and judgements), answers taken from the log or the cache. */
  called: number;
  fromLog: number;
  fromCache: number;
  /** What this audit has spent in all its sessions, as priced from usage (unpriced answers apart). */
  spent: Usd;
  unpricedAnswers: number;
  failures: { case: string; target: string; trial: number; error: string }[];
  /** Cases the spending cap left unasked. */
  skippedByCap: number;
  /** Cases whose request cannot be sent to a target's API (non-text parts): left out, listed. */
  untranslatable: { case: string; target: string; error: string }[];
}

interface Task {
  c: AuditCase;
  target: Target;
  trial: number;
  key: string;
  body: Record<string, unknown>;
}

/** Rough input size of a request: 4 characters a token, for reservations only (never for results). */
function estimatedInput(body: Record<string, unknown>): number {
  return Math.ceil(JSON.stringify(body).length / 4);
}

export function tokensCost(book: PriceBook, target: Target, at: Date, tokens: TokenCounts): Usd | null {
  return book.estimate(target.provider, target.model, at, tokens).amount;
}

/** Upper bound of a task's cost: its input estimated, its output at the request's cap. Null when unpriced. */
export function reservation(
  book: PriceBook,
  task: { target: Target; body: Record<string, unknown> },
): Usd | null {
  const tokens = {
    input: estimatedInput(task.body),
    cacheRead: 0,
    cacheWrite: 0,
    output: maxOutputTokens(task.target.api, task.body),
    reasoning: 0,
  };
  return tokensCost(book, task.target, new Date(), tokens);
}

/** Every (case, target, trial) of the audit with its request body and key, and the cases that cannot be sent. */
export function planTasks(inputs: RunInputs): {
  tasks: Task[];
  untranslatable: RunOutcome['untranslatable'];
} {
  const tasks: Task[] = [];
  const untranslatable: RunOutcome['untranslatable'] = [];
  for (const c of inputs.cases) {
    for (const target of inputs.targets) {
      try {
        for (let trial = 0; trial < inputs.bar.trials; trial++)
          tasks.push({ c, target, trial, ...taskFor(c, target, trial) });
      } catch (error) {
        if (!(error instanceof UntranslatableRequest)) throw error;
        untranslatable.push({ case: c.id, target: target.id, error: error.message });
      }
    }
  }
  return { tasks, untranslatable };
}

/** The bar's judge checks with the target each is asked through. */
export function judgesOf(bar: QualityBar): { check: JudgeCheck; target: Target }[] {
  return bar.requirements.flatMap((r) =>
    r.checks
      .filter((c): c is JudgeCheck => c.kind === 'llm_judge')
      .map((check) => ({
        check,
        target: parseTarget(
          check.judge_provider ? `${check.judge_provider}:${check.judge_model}` : check.judge_model,
        ),
      })),
  );
}

/** Spaces one target's requests to its rate: each caller waits for the next free slot. */
class Pacer {
  readonly #next = new Map<string, number>();
  constructor(private readonly perMinute: number) {}
  async wait(id: string): Promise<void> {
    if (this.perMinute <= 0) return;
    const gap = 60_000 / this.perMinute;
    const now = Date.now();
    const slot = Math.max(now, this.#next.get(id) ?? 0);
    this.#next.set(id, slot + gap);
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }
}

/**
 * Asks every case of the audit on every target, `trials` times, and every judge on every answer, skipping what
 * the log (or the shared cache) already holds: a killed audit run again continues where it stopped. Each answer
 * is appended to the log the moment it arrives, so an answered case is never paid for twice. The spending
 * cap counts what the log's answers cost plus a reservation for each call in flight (its output at its cap):
 * calls that could take the audit past the cap are not made.
 */
export async function runAudit(inputs: RunInputs, options: RunOptions): Promise<RunOutcome> {
  const { log, cache, book } = options;
  const { tasks, untranslatable } = planTasks(inputs);
  const judges = judgesOf(inputs.bar);
  const endpoints = new Map<string, Endpoint>();
  const endpoint = (t: Target) => {
    let e = endpoints.get(t.id);
    if (!e) {
      e = endpointFor(t, options.env);
      endpoints.set(t.id, e);
    }
    return e;
  };
  // Fail before spending anything when a key is missing.
  for (const t of [...inputs.targets, ...judges.map((j) => j.target)]) endpoint(t);

  const targetOf = new Map<string, Target>();
  for (const t of [...inputs.targets, ...judges.map((j) => j.target)]) targetOf.set(t.id, t);
  const outcome: RunOutcome = {
    called: 0,
    fromLog: 0,
    fromCache: 0,
    spent: ZERO_USD,
    unpricedAnswers: 0,
    failures: [],
    skippedByCap: 0,
    untranslatable,
  };
  const count = (tokens: TokenCounts, target: Target | undefined, at: string) => {
    const cost = target ? tokensCost(book, target, new Date(at), tokens) : null;
    if (cost === null) outcome.unpricedAnswers++;
    else outcome.spent = outcome.spent.plus(cost);
  };
  for (const e of log.entries()) count(e.tokens, targetOf.get(e.t === 'answer' ? e.target : e.judge), e.at);

  let reserved = ZERO_USD;
  const afford = (estimate: Usd | null): boolean => {
    if (options.maxSpend === null) return true;
    if (estimate === null) return false;
    if (outcome.spent.plus(reserved).plus(estimate).greaterThan(options.maxSpend)) return false;
    reserved = reserved.plus(estimate);
    return true;
  };

  const pacer = new Pacer(options.requestsPerMinute);
  const retry = options.retry ?? DEFAULT_RETRY;
  let done = 0;
  const total = tasks.length;
  const progress = () => options.onProgress?.({ done, total, spent: outcome.spent });

  const judgeAnswer = async (task: Task, answer: AnswerEntry) => {
    for (const { check, target } of judges) {
      const key = judgementKey(target, check.rubric, answer.key);
      if (log.has(key)) continue;
      const cached = cache?.get(key);
      if (cached) {
        log.append(cached);
        outcome.fromCache++;
        continue;
      }
      const body = judgeRequest(
        target,
        check,
        toNeutral(task.c.format, task.c.request),
        task.c.reference,
        answer.text,
      );
      const estimate = reservation(book, { target, body });
      if (!afford(estimate)) {
        outcome.skippedByCap++;
        continue;
      }
      await pacer.wait(target.id);
      const r = await callProvider(endpoint(target), target.api, body, false, retry);
      if (estimate) reserved = reserved.minus(estimate);
      outcome.called++;
      if (!r.ok) {
        outcome.failures.push({
          case: task.c.id,
          target: target.id,
          trial: task.trial,
          error: `judge: ${r.error}`,
        });
        continue;
      }
      const entry = {
        t: 'judgement' as const,
        key,
        answerKey: answer.key,
        judge: target.id,
        score: judgeScore(r.answer.text),
        tokens: r.answer.tokens,
        latencyMs: r.latencyMs,
        at: new Date().toISOString(),
      };
      log.append(entry);
      cache?.append(entry);
      count(entry.tokens, target, entry.at);
    }
  };

  const work = async (task: Task) => {
    let answer = log.get(task.key);
    if (answer) outcome.fromLog++;
    else {
      const cached = cache?.get(task.key);
      if (cached) {
        log.append(cached);
        answer = cached;
        outcome.fromCache++;
      }
    }
    if (!answer) {
      const estimate = reservation(book, task);
      if (!afford(estimate)) {
        outcome.skippedByCap++;
        return;
      }
      await pacer.wait(task.target.id);
      const r = await callProvider(endpoint(task.target), task.target.api, task.body, inputs.stream, retry);
      if (estimate) reserved = reserved.minus(estimate);
      outcome.called++;
      if (!r.ok) {
        outcome.failures.push({ case: task.c.id, target: task.target.id, trial: task.trial, error: r.error });
        return;
      }
      const entry: AnswerEntry = {
        t: 'answer',
        key: task.key,
        case: task.c.id,
        target: task.target.id,
        trial: task.trial,
        text: r.answer.text,
        tokens: r.answer.tokens,
        latencyMs: Math.round(r.latencyMs * 1000) / 1000,
        served: r.answer.model,
        at: new Date().toISOString(),
      };
      log.append(entry);
      cache?.append(entry);
      count(entry.tokens, task.target, entry.at);
      answer = entry;
    }
    if (answer.t === 'answer' && judges.length > 0) await judgeAnswer(task, answer);
  };

  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++] as Task;
      await work(task);
      done++;
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return outcome;
}

/** The dry run: what the calls still to make could cost at most, per target (null: a target has no price). */
export function dryRunEstimate(
  inputs: RunInputs,
  log: ResultsLog,
  book: PriceBook,
): { target: string; calls: number; atMost: Usd | null }[] {
  const { tasks } = planTasks(inputs);
  const rows = new Map<string, { target: string; calls: number; atMost: Usd | null }>();
  for (const t of inputs.targets) rows.set(t.id, { target: t.id, calls: 0, atMost: usd(0) });
  for (const task of tasks) {
    if (log.has(task.key)) continue;
    const row = rows.get(task.target.id);
    if (!row) continue;
    row.calls++;
    const r = reservation(book, task);
    row.atMost = row.atMost === null || r === null ? null : row.atMost.plus(r);
  }
  return [...rows.values()];
}
