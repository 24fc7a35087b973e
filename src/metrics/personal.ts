import { identityHash } from '../domain/ids.js';
import { usd } from '../domain/money.js';
import { addDays, type DayWindow } from '../domain/time.js';
import type { Db } from '../store/db.js';
import { undirectedPerson } from '../store/duckdb/views.js';
import { sqlString } from '../store/sql-text.js';
import { TASK_AGENTS } from '../sources/spend/task-agents/extensions.js';
import { peopleSpendPer } from './effectiveness.js';
import { spendAndDelivery } from './spend-delivery.js';
import { dataExtent } from './spend.js';
import { relation } from './relations.js';

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
  /**
   * effectiveness.cost_per_merged_pr for the actor's person (the whole org without an actor) over `window`
   * (the report's, else the store's whole extent): null until merged PRs are in the store.
   */
  costPerMergedPr: { prs: number; cost: string; perPr: string; window: DayWindow } | null;
}

const AGENT_SOURCES = `(${[
  'claude-code-logs',
  'codex-logs',
  'gemini-logs',
  'copilot-cli-logs',
  ...Object.values(TASK_AGENTS).map((a) => a.source),
]
  .map(sqlString)
  .join(', ')})`;

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
         FROM ${relation({ db }, 'usage_identity')} WHERE ${where} GROUP BY ALL ORDER BY ${order}`,
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
  const totalRow = total ?? empty;
  return {
    since: window.since,
    until: window.until,
    total: totalRow,
    byDay: await by('day', 'key'),
    byTool: await by('tool'),
    byModel: await by('model'),
    byRepo: await by('repo'),
    costPerMergedPr: await personCostPerMergedPr(db, window, actor),
  };
}

/**
 * The catalog's cost per merged PR for one person, exactly as `query effectiveness.cost_per_merged_pr --by
 * person` computes their row: people spend in the ledger over their merged PRs, same window. The person is
 * the directory's for the actor's identity, or without an org file the identity itself (views.ts).
 */
async function personCostPerMergedPr(
  db: Db,
  window: { since: string | null; until: string | null },
  actor: string | null,
): Promise<PersonalReport['costPerMergedPr']> {
  const extent = await dataExtent({ db });
  if (!extent) return null;
  const span: DayWindow = {
    since: window.since ?? extent.first,
    until: window.until ?? addDays(extent.last, 1),
  };
  let person: string | null = null;
  if (actor !== null) {
    const [row] = await db.query(
      `SELECT coalesce((SELECT person_id FROM dir_aliases WHERE alias_hash = $mine), ${undirectedPerson('$mine')}) AS person`,
      { mine: identityHash(actor) },
    );
    person = (row?.person as string | null | undefined) ?? null;
    if (person === null) return null;
  }
  const key = person === null ? "'all'" : 'l.person_id';
  const rows = await spendAndDelivery(
    { db, window: span },
    {
      dim: person === null ? null : 'person',
      spendKey: key,
      spendLabel: key,
      outcomeKey: key.replace('l.', 'o.'),
      outcomeLabel: key.replace('l.', 'o.'),
      spendJoins: [],
      outcomeJoins: [],
      notes: [],
    },
    peopleSpendPer('pr_merged'),
  );
  const mine = rows.find((r) => r.key === (person ?? 'all'));
  if (!mine || mine.delivery === 0) return null;
  return {
    prs: mine.delivery,
    cost: usd(mine.spendExact).toFixed(2),
    perPr: usd(mine.spendExact).div(mine.delivery).toFixed(2),
    window: span,
  };
}
