import type { UsageRecord } from '../domain/usage.js';

/**
 * The rule between an agent's per-request events and its metrics, which count the same spend twice over:
 * for a given source and session, metric records (granularity `session`) are kept only when no event
 * record (granularity `request`) of that source exists for the session. Events are finer (one request,
 * its id shared with the transcripts) and Claude Code's carry their own cost; the metrics then only fill in
 * for sessions whose events are not exported (OTEL_LOGS_EXPORTER unset). Metrics without a session id are
 * always kept: nothing ties them to events.
 *
 * `hasEvents` answers for sessions seen before this batch; the batch's own events count too.
 */
export function keepEventSessions(
  records: readonly UsageRecord[],
  hasEvents: (source: string, sessionId: string) => boolean,
): UsageRecord[] {
  const inBatch = new Set<string>();
  for (const r of records) {
    if (r.granularity === 'request' && r.hints.sessionId)
      inBatch.add(`${r.source}\u0000${r.hints.sessionId}`);
  }
  return records.filter((r) => {
    const session = r.hints.sessionId;
    if (r.granularity !== 'session' || !session) return true;
    return !inBatch.has(`${r.source}\u0000${session}`) && !hasEvents(r.source, session);
  });
}

/** Metric records' (source, session) pairs: what a writer must look up before applying the rule. */
export function metricSessions(records: readonly UsageRecord[]): { source: string; sessionId: string }[] {
  const seen = new Map<string, { source: string; sessionId: string }>();
  for (const r of records) {
    const sessionId = r.hints.sessionId;
    if (r.granularity === 'session' && sessionId)
      seen.set(`${r.source}\u0000${sessionId}`, { source: r.source, sessionId });
  }
  return [...seen.values()];
}
