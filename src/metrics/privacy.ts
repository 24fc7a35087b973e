import type { Privacy } from '../domain/directory.js';
import type { DayWindow } from '../domain/time.js';
import { personVisibility, type Viewer } from '../org/privacy.js';
import type { Db } from '../store/db.js';
import { windowFilter, windowParams } from './metric.js';
import type { MetricFilter } from './filter.js';

/**
 * How a metric's answer is shaped for its audience: the one place that decides whether people may be named
 * and which groups are too small to be shown on their own. Every surface (API, CLI, reports, notifiers)
 * reaches these rules through a metric context (privacy, viewer, filter), never on its own.
 *
 * The minimum group size binds every audience that may not see the people behind a number: a group of
 * people (a team, a tool's users, a key, a repository, a filter's selection) with at least one and fewer
 * than `min_group_size` people is never shown on its own, and neither is any difference between two
 * answers that would isolate one (complementary suppression, below).
 */

/**
 * Whether an aggregate view may name people for this viewer. A manager sees their own teams' people named
 * (in `team` mode) when the view is narrowed to those teams, as the server narrows every manager's view.
 */
export function namesPeople(privacy: Privacy, viewer: Viewer, filter?: MetricFilter): boolean {
  if (viewer.role === 'manager' && privacy.individuals === 'team') {
    const mine = viewer.teams ?? [];
    const teams = filter?.teams;
    return teams !== undefined && teams.every((t) => mine.includes(t));
  }
  return personVisibility(privacy, viewer, null) === 'named';
}

/** Whether the minimum group size shapes this audience's answers: when people may not be named to it. */
export function protectsGroups(privacy: Privacy, viewer: Viewer, filter?: MetricFilter): boolean {
  return !namesPeople(privacy, viewer, filter);
}

/** A group has "too few" people when it has some and fewer than the minimum (none at all is no one). */
export const tooFew = (people: number, min: number): boolean => people >= 1 && people < min;

/**
 * Which rows of a breakdown fold into "other", given the people behind each row. Rows of too few people
 * fold; when the folded rows together are still too few (one team of 2 beside teams of 10: the grand total
 * minus the rows shown would give them away), the smallest shown rows join them until "other" is large
 * enough. Rows with no person (unattributed spend, service keys) stay: they identify no one.
 */
export function rowsToFold(rows: ReadonlyMap<string, ReadonlySet<string>>, min: number): Set<string> {
  const fold = new Set<string>();
  for (const [key, people] of rows) if (tooFew(people.size, min)) fold.add(key);
  if (fold.size === 0) return fold;
  const union = new Set<string>();
  for (const key of fold) for (const p of rows.get(key) ?? []) union.add(p);
  const shown = [...rows]
    .filter(([k, p]) => !fold.has(k) && p.size > 0)
    // Ties by key: the rows come from a GROUP BY in no order, and which of two equal groups folds must not
    // depend on the engine's hash order (DuckDB and ClickHouse gave different "other" groups).
    .sort((a, b) => a[1].size - b[1].size || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  while (tooFew(union.size, min) && shown.length > 0) {
    const [key, people] = shown.shift() as [string, ReadonlySet<string>];
    fold.add(key);
    for (const p of people) union.add(p);
  }
  return fold;
}

/** One person's facts in a window, as far as filters can tell them apart (distinct tuples). */
export interface PersonFact {
  person: string;
  team: string | null;
  tool: string | null;
  model: string | null;
  side: 'spend' | 'delivery';
}

/**
 * Who is behind the window's facts, per team, tool and model: read from the store's base relations (never a
 * filtered view), so a filter can be judged against the whole organisation. A few rows per person.
 */
export async function personFacts(db: Db, window: DayWindow): Promise<PersonFact[]> {
  const rows = await db.query(
    `SELECT DISTINCT person_id, team_id, tool, model, 'spend' AS side FROM ledger_daily
     WHERE ${windowFilter('day', { db })} AND person_id IS NOT NULL
     UNION
     SELECT DISTINCT person_id, team_id, NULL, NULL, 'delivery' FROM outcomes_identity
     WHERE ${windowFilter('day', { db })} AND person_id IS NOT NULL`,
    windowParams(window),
  );
  const s = (v: unknown) =>
    typeof v === 'string' ? v : v === null || v === undefined ? null : JSON.stringify(v);
  return rows.map((r) => ({
    person: String(r.person_id),
    team: s(r.team_id),
    tool: s(r.tool),
    model: s(r.model),
    side: r.side === 'delivery' ? 'delivery' : 'spend',
  }));
}

type FilterDim = 'teams' | 'tools' | 'models';
const FILTER_DIMS: readonly FilterDim[] = ['teams', 'tools', 'models'];
const NOUN: Record<FilterDim, string> = { teams: 'team', tools: 'tool', models: 'model' };

function valueOf(f: PersonFact, dim: FilterDim): string | null {
  return dim === 'teams' ? f.team : dim === 'tools' ? f.tool : f.model;
}

/**
 * Whether a fact is read under a filter, as metrics/filter.ts applies it: delivery facts have no tool or
 * model, and a tool or model filter leaves them all in. The people behind a tool's spend are its users
 * alone, so under a tool or model filter only the spend side counts.
 */
function matches(f: PersonFact, filter: MetricFilter): boolean {
  if (filter.teams && (f.team === null || !filter.teams.includes(f.team))) return false;
  if (f.side === 'delivery') return filter.tools === undefined && filter.models === undefined;
  if (filter.tools && (f.tool === null || !filter.tools.includes(f.tool))) return false;
  if (filter.models && (f.model === null || !filter.models.includes(f.model))) return false;
  return true;
}

function peopleOf(facts: Iterable<PersonFact>): number {
  const out = new Set<string>();
  for (const f of facts) out.add(f.person);
  return out.size;
}

/**
 * Why a filter may not be answered for an audience the minimum group size binds, or null when it may. For
 * each dimension the filter narrows (the others' narrowing kept), every value picked and the values left
 * out must each be behind no one or at least `min` people: then neither the answer, nor the wider answer
 * without this dimension's narrowing, nor their difference shows a small group. A team of one is therefore
 * never readable by `team=`, and `team=a&tool=x` is refused when it would leave team a's other tools to one
 * person.
 */
export function filterRefusal(
  facts: readonly PersonFact[],
  filter: MetricFilter,
  min: number,
): string | null {
  const all = facts.filter((f) => matches(f, filter));
  if (tooFew(peopleOf(all), min)) return `this selection has fewer than ${min} people in the window`;
  for (const dim of FILTER_DIMS) {
    const picked = filter[dim];
    if (!picked) continue;
    const wider = facts.filter((f) => matches(f, { ...filter, [dim]: undefined }));
    for (const value of picked) {
      if (tooFew(peopleOf(wider.filter((f) => valueOf(f, dim) === value)), min))
        return `${NOUN[dim]} "${value}" has fewer than ${min} people in this window and selection`;
    }
    const rest = wider.filter((f) => {
      const v = valueOf(f, dim);
      return v === null || !picked.includes(v);
    });
    if (tooFew(peopleOf(rest), min))
      return `leaving out the other ${dim} would single out fewer than ${min} people`;
  }
  return null;
}

/** The values of one filter dimension an audience may pick (those `filterRefusal` would answer alone). */
export function pickable(
  facts: readonly PersonFact[],
  base: MetricFilter,
  dim: FilterDim,
  values: readonly string[],
  min: number,
): string[] {
  return values.filter((v) => filterRefusal(facts, { ...base, [dim]: [v] }, min) === null);
}
