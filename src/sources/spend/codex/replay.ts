import type { SessionMeta } from './schema.js';

/**
 * Forked and spawned-subagent rollouts begin with a copy of the parent thread's history, token_count
 * events included; those tokens were spent (and are counted) in the parent's file. Two shapes have been
 * reported (ccusage #1288, #1370, #1460; tokscale #679): the copied lines re-stamped with the fork time,
 * written as one sub-second burst, and the copied lines keeping their original (earlier) timestamps.
 *
 * ccusage's rule (a subagent file whose first two token events share one wall-clock second; skip token
 * events of that second) misses one-event replays, forks marked only by `forked_from_id`, bursts that
 * cross a second boundary and replays with original timestamps. Ours, applied only to files whose own
 * session_meta says they are a fork (`forked_from_id`) or a spawned subagent (`source.subagent`):
 *
 * - the fork instant is the timestamp of the file's own session_meta line;
 * - a token event stamped before the fork instant is replayed history (a live event cannot precede its
 *   own session);
 * - a token event within REPLAY_GAP_MS of the fork instant, or of the last replayed event at or after it,
 *   is part of the burst that copied the history;
 * - the first token event past that gap ends the replay for good: it and everything after count.
 *
 * - a replayed turn is marked more surely than by time: the copy of the parent's `task_started` keeps the
 *   parent's `started_at`, which predates the fork instant. From such a `task_started` to the next one,
 *   every token event is replayed, however long the copied turn spans; a `task_started` that does not
 *   predate the fork is the fork's own first turn and ends the replay for good.
 *
 * Replayed events are not counted, but their cumulative totals become the baseline that later totals are
 * differenced from. Cost of the rule: a fork's own first request that completes within a second of the
 * fork is taken for replay (an undercount of one request); a replay counted as new usage would instead
 * double a whole history.
 */
export const REPLAY_GAP_MS = 1000;

export type ReplayState =
  | { phase: 'none' }
  /**
   * `edge`: the fork instant, then the latest replayed event at or after it (epoch ms). `copiedTurn`: inside
   * a turn whose `task_started` predates the fork (absent in states stored by older builds: false).
   */
  | { phase: 'replaying'; forkAt: number; edge: number; copiedTurn?: boolean };

export function isForkOrSubagent(meta: SessionMeta): boolean {
  if (typeof meta.forked_from_id === 'string' && meta.forked_from_id !== '') return true;
  const source = meta.source;
  return typeof source === 'object' && source !== null && 'subagent' in source;
}

/** Whether a token event at `at` is replayed history; returns the state to carry on. */
export function classify(state: ReplayState, at: number): { replayed: boolean; next: ReplayState } {
  if (state.phase === 'none') return { replayed: false, next: state };
  if (state.copiedTurn === true || at < state.forkAt) return { replayed: true, next: state };
  if (at - state.edge < REPLAY_GAP_MS)
    return { replayed: true, next: { ...state, edge: Math.max(state.edge, at) } };
  return { replayed: false, next: { phase: 'none' } };
}

/**
 * A `task_started` event during a replay: `startedAt` is its `started_at` (epoch seconds, whole), or null
 * when the build did not write one (then only the time rule above applies). A turn started before the fork
 * instant's second is a copy of the parent's; any other is the fork's own, and the replay is over.
 */
export function turnStarted(state: ReplayState, startedAt: number | null): ReplayState {
  if (state.phase === 'none') return state;
  if (startedAt === null) return { ...state, copiedTurn: false };
  const copied = startedAt * 1000 + 999 < state.forkAt;
  return copied ? { ...state, copiedTurn: true } : { phase: 'none' };
}
