import type { Db } from '../store/db.js';
import { GATEWAY_SOURCE } from './record.js';

/** One request the gateway served, as stored: what it cost in tokens, how it was served, where it belongs. */
export interface GatewayRequest {
  id: string;
  /** ISO instant the request arrived. */
  start: string;
  provider: string | null;
  model: string | null;
  status: number | null;
  latencyMs: number | null;
  /** Time to first token: from the request's arrival to the answer's first byte. */
  ttftMs: number | null;
  clientAborted: boolean;
  team: string | null;
  workflow: string | null;
  /** The virtual key, redacted (`key_3f…9c1d`): its id is stored only as a hash. */
  keyHint: string | null;
  sessionId: string | null;
  branch: string | null;
  tokens: { input: number; cacheRead: number; cacheWrite: number; output: number; reasoning: number };
  /** List estimate, exact decimal text; null while unpriced. */
  estimate: string | null;
}

export interface RequestFilter {
  /** ISO instants; the window is always bounded (every query on usage is). */
  since: string;
  until: string;
  team?: string | undefined;
  workflow?: string | undefined;
  /** Only answers with a status at or above this (400: the failures). */
  minStatus?: number | undefined;
  limit: number;
}

/**
 * The gateway's latest request records in a time window, newest first: the record-level view of what it
 * served (`GET /api/v1/gateway/requests`). Values are bound, never spliced.
 */
export async function gatewayRequests(db: Db, f: RequestFilter): Promise<GatewayRequest[]> {
  const params: Record<string, string | number> = {
    source: GATEWAY_SOURCE,
    since: f.since,
    until: f.until,
    limit: f.limit,
  };
  let where = `source = $source AND counted AND start_at >= CAST($since AS TIMESTAMPTZ)
    AND start_at < CAST($until AS TIMESTAMPTZ)`;
  if (f.team !== undefined) {
    where += ' AND team_tag = $team';
    params.team = f.team;
  }
  if (f.workflow !== undefined) {
    where += ' AND workflow = $workflow';
    params.workflow = f.workflow;
  }
  if (f.minStatus !== undefined) {
    where += ' AND status >= $minStatus';
    params.minStatus = f.minStatus;
  }
  const rows = await db.query(
    `SELECT id, strftime(start_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS start_utc, provider, model,
       status, latency_ms, ttft_ms, client_aborted, team_tag, workflow, key_hint, session_id, branch,
       input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
       CAST(coalesce(est_cost, cost) AS VARCHAR) AS estimate
     FROM usage WHERE ${where} ORDER BY start_at DESC, id LIMIT $limit`,
    params,
  );
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    id: String(r.id),
    start: String(r.start_utc),
    provider: text(r.provider),
    model: text(r.model),
    status: int(r.status),
    latencyMs: int(r.latency_ms),
    ttftMs: int(r.ttft_ms),
    clientAborted: r.client_aborted === true,
    team: text(r.team_tag),
    workflow: text(r.workflow),
    keyHint: text(r.key_hint),
    sessionId: text(r.session_id),
    branch: text(r.branch),
    tokens: {
      input: Number(r.input_tokens),
      cacheRead: Number(r.cache_read_tokens),
      cacheWrite: Number(r.cache_write_tokens),
      output: Number(r.output_tokens),
      reasoning: Number(r.reasoning_tokens),
    },
    estimate: text(r.estimate),
  }));
}
