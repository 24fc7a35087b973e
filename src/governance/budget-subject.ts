import { identityHash } from '../domain/ids.js';
import { sqlIdent } from '../store/sql-text.js';
import type { Db } from '../store/db.js';
import type { BudgetScope } from './config.js';
import type { RuleContext } from './rule-context.js';

/** The ledger column each scope reads, and how a subject as written in mileage.yaml becomes its value. */
export const COLUMN = {
  team: 'team_id',
  workflow: 'workflow_id',
  // Key ids are stored hashed, as the directory and the ledger hold them.
  key: 'key_hash',
  tool: 'tool',
  person: 'person_id',
} as const satisfies Record<BudgetScope, string>;

export interface ResolvedSubject {
  /** `<column> = $subject` over the ledger's rollups, the column quoted, the value bound. */
  where: string;
  value: string;
  teamId: string | null;
  /** How a body names it for the audience: a person or a personal key only where they may be named. */
  label: string;
}

export async function resolveSubject(
  ctx: Pick<RuleContext, 'db' | 'teamLabel' | 'mayName'>,
  scope: BudgetScope,
  subject: string,
): Promise<ResolvedSubject> {
  const value = scope === 'key' ? identityHash(subject) : subject;
  const where = `${sqlIdent(COLUMN[scope])} = $subject`;
  const one = async (sql: string) => (await ctx.db.query(sql, { subject: value }))[0];
  switch (scope) {
    case 'team':
      return { where, value, teamId: subject, label: ctx.teamLabel(subject) };
    case 'tool':
      return { where, value, teamId: null, label: `the org's ${subject} use` };
    case 'workflow': {
      const r = await one('SELECT name, team_id FROM dir_workflows WHERE workflow_id = $subject');
      const teamId = r?.team_id == null ? null : String(r.team_id);
      return { where, value, teamId, label: `the ${String(r?.name ?? subject)} workflow` };
    }
    case 'key': {
      const r = await one('SELECT name, owner, team_id FROM dir_keys WHERE key_hash = $subject');
      const teamId = r?.team_id == null ? null : String(r.team_id);
      // A personal key is named like its owner would be: folded into its team where people are hidden.
      const personal = r?.owner != null;
      const label =
        personal && !ctx.mayName(teamId)
          ? `a personal API key in ${ctx.teamLabel(teamId)}`
          : `the API key ${String(r?.name ?? 'with this id')}`;
      return { where, value, teamId, label };
    }
    case 'person': {
      const r = await one('SELECT name, team_id FROM dir_people WHERE person_id = $subject');
      const teamId = r?.team_id == null ? null : String(r.team_id);
      const label = ctx.mayName(teamId) && r ? String(r.name) : `a person in ${ctx.teamLabel(teamId)}`;
      return { where, value, teamId, label };
    }
    default:
      return scope satisfies never;
  }
}

export interface SubjectDay {
  day: string;
  /** Priced spend, exact decimal text. */
  cost: string;
  /** Tokens with no known price: never counted as $0, reported beside the total. */
  unpricedTokens: number;
}

/**
 * The spend of many subjects of one scope, one statement per grain (a budget per team is one scan, not 83):
 * whole weeks before `daysFrom` from the weekly rollup (a week's row on its Monday: the forecast sums by
 * week), days from `daysFrom` on from the daily rollup (a period's spend is exact to the day). Keyed by the
 * subject's stored value.
 */
export async function scopeDailySpend(
  db: Db,
  scope: BudgetScope,
  values: readonly string[],
  since: string,
  daysFrom: string,
  until: string,
): Promise<Map<string, SubjectDay[]>> {
  const column = sqlIdent(COLUMN[scope]);
  const read = (relation: 'ledger_weekly' | 'ledger_daily', from: string, to: string) =>
    db.query(
      `SELECT ${column} AS subject, CAST(day AS VARCHAR) AS day,
         CAST(coalesce(sum(cost) FILTER (WHERE NOT unpriced), 0) AS VARCHAR) AS cost,
         coalesce(sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) FILTER (WHERE unpriced), 0) AS unpriced
       FROM ${relation}
       WHERE day >= CAST($since AS DATE) AND day < CAST($until AS DATE)
         AND list_contains(CAST($subjects AS VARCHAR[]), ${column})
       GROUP BY 1, 2 ORDER BY 2`,
      { since: from, until: to, subjects: JSON.stringify(values) },
    );
  const [weeks, days] = await Promise.all([
    since < daysFrom ? read('ledger_weekly', since, daysFrom) : Promise.resolve([]),
    read('ledger_daily', daysFrom, until),
  ]);
  const out = new Map<string, SubjectDay[]>(values.map((v) => [v, []]));
  for (const r of [...weeks, ...days])
    out
      .get(String(r.subject))
      ?.push({ day: String(r.day), cost: String(r.cost), unpricedTokens: Number(r.unpriced) });
  return out;
}
