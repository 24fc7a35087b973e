import { identityHash } from '../domain/ids.js';
import { usd } from '../domain/money.js';
import type { Db } from '../store/db.js';

/**
 * The personal report `mileage scan` prints: one engineer's own agent spend on their own machine, by day,
 * tool, model and repository, and cost per merged PR once delivery data is in the store. Cost is the
 * ledger's view of each record where it has one (billed allocation), else the record's own cost or list
 * estimate; unpriced tokens are counted apart, never as $0.
 */
export interface PersonalRow {
  key: string;
  cost: string;
  unpricedRecords: number;
  requests: number;
  tokens: number;
}

export interface PersonalReport {
  since: string | null;
  until: string | null;
  total: PersonalRow;
  byDay: PersonalRow[];
  byTool: PersonalRow[];
  byModel: PersonalRow[];
  byRepo: PersonalRow[];
  /** Null until merged PRs (the actor's own, when the report has one) are in the store. */
  costPerMergedPr: { prs: number; cost: string; perPr: string } | null;
}

const AGENT_SOURCES = `('claude-code-logs', 'codex-logs', 'gemini-logs', 'copilot-cli-logs')`;

export async function personalReport(
  db: Db,
  window: { since: string | null; until: string | null },
  actor: string | null = null,
): Promise<PersonalReport> {
  const where = `source IN ${AGENT_SOURCES}
    AND ($since IS NULL OR day >= CAST($since AS DATE)) AND ($until IS NULL OR day < CAST($until AS DATE))`;
  const params = { since: window.since, until: window.until };
  const by = async (key: string, order = 'cost DESC') =>
    (
      await db.query(
        `SELECT CAST(${key} AS VARCHAR) AS key, CAST(sum(coalesce(cost, est_cost, 0)) AS VARCHAR) AS cost,
           count(*) FILTER (WHERE cost IS NULL AND est_cost IS NULL)::BIGINT AS unpriced,
           sum(requests)::BIGINT AS requests,
           sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens)::BIGINT AS tokens
         FROM usage_identity WHERE ${where} GROUP BY ALL ORDER BY ${order}`,
        params,
      )
    ).map((r) => ({
      key: String(r.key ?? '(unknown)'),
      cost: String(r.cost ?? '0'),
      unpricedRecords: Number(r.unpriced),
      requests: Number(r.requests),
      tokens: Number(r.tokens),
    }));
  const [total] = await by(`'total'`);
  const empty = { key: 'total', cost: '0', unpricedRecords: 0, requests: 0, tokens: 0 };
  // With an actor, their own merged PRs: by their identity, or any alias the directory gives their person.
  // The repositories hold everyone's merges, and dividing one engineer's spend by the team's PRs flatters it.
  const prs = await db.query(
    `SELECT count(*)::BIGINT AS n FROM outcomes WHERE kind = 'pr_merged'
       AND ($since IS NULL OR day >= CAST($since AS DATE)) AND ($until IS NULL OR day < CAST($until AS DATE))
       AND ($mine IS NULL OR actor_hash = $mine OR actor_hash IN (
         SELECT alias_hash FROM dir_aliases
         WHERE person_id = (SELECT person_id FROM dir_aliases WHERE alias_hash = $mine)))`,
    { ...params, mine: actor === null ? null : identityHash(actor) },
  );
  const prCount = Number(prs[0]?.n ?? 0);
  const totalRow = total ?? empty;
  return {
    since: window.since,
    until: window.until,
    total: totalRow,
    byDay: await by('day', 'key'),
    byTool: await by('tool'),
    byModel: await by('model'),
    byRepo: await by('repo'),
    costPerMergedPr:
      prCount > 0
        ? {
            prs: prCount,
            cost: trimMoney(totalRow.cost),
            perPr: usd(totalRow.cost).div(prCount).toFixed(2),
          }
        : null,
  };
}

/** Exact decimal text from the store, shown to the cent (rounded half up). */
function trimMoney(value: string): string {
  return usd(value).toFixed(2);
}
