import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The order in which waiting reads get a read connection. A request of the API runs several statements,
 * some after others (the weekly diagnostic's model fit waits for its workloads; a PR's drill-down finds the
 * PR, then its author's rows, then its ledger days). Served in arrival order, each later statement queues
 * behind every request that arrived meanwhile, so a request of three steps waits three queues. Served by the
 * age of the work they belong to, a request under way finishes before one that arrived after it starts:
 * the same work done, less of it waiting.
 *
 * `asOneJob` gives the statements started inside it (awaited or not) the rank of the moment it was called;
 * a statement outside any job is ranked by when it was asked.
 */
const job = new AsyncLocalStorage<number>();
let next = 0;

/** Runs `work` as one job: its statements are served before those of jobs that started later. */
export function asOneJob<T>(work: () => T): T {
  return job.run(next++, work);
}

/** The rank of the job the caller runs in (lower is older), or a fresh one outside any job. */
export function readRank(): number {
  return job.getStore() ?? next++;
}
