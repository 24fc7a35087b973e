import { currentAcceptedTimes } from '../../domain/accepted-times.js';
import { diagnosticWindows } from '../../diagnostics/windows.js';
import { addDays, dayOf, parseDay, type DayWindow } from '../../domain/time.js';
import { filteredContext, filteredDb, isEmptyFilter, type MetricFilter } from '../../metrics/filter.js';
import type { MetricContext, Viewer } from '../../metrics/metric.js';
import {
  filterRefusal,
  personFacts,
  pickable,
  protectsGroups,
  type PersonFact,
} from '../../metrics/privacy.js';
import { dataExtent, dataExtentByTeam, teamsExtent } from '../../metrics/spend.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import type { Principal } from '../tokens.js';

/** What one read request covers: its window, its filter (the caller's scope applied) and who is asking. */
export interface Scope {
  window: DayWindow;
  filter: MetricFilter;
  viewer: Viewer;
}

const DEFAULT_DAYS = 28;
const MAX_VALUES = 50;
const MAX_VALUE_LENGTH = 200;

function badRequest(message: string): HttpError {
  return new HttpError('bad_request', message);
}

/** A day parameter, or undefined when absent. */
export function dayParam(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return undefined;
  try {
    parseDay(value);
  } catch {
    throw badRequest(`${name} expects a day as YYYY-MM-DD`);
  }
  // A day far outside any data (week=9999-12-27) once ran into the year 10000 and answered 500 for ever.
  const { first, last } = queryDayRange();
  if (value < first || value > last)
    throw badRequest(`${name}: ${value} is outside the days a query may name (${first} to ${last})`);
  return value;
}

/** Days a query may name: from 2000 to a little over a year past the accepted range (domain/accepted-times.ts). */
function queryDayRange(): { first: string; last: string } {
  const latest = currentAcceptedTimes().latest;
  return {
    first: '2000-01-01',
    last: new Date(latest.getTime() + 400 * 86_400_000).toISOString().slice(0, 10),
  };
}

/** A whole-number parameter within [min, max]; `fallback` when absent. */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return fallback;
  const n = /^[0-9]{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw badRequest(`${name} expects a whole number from ${min} to ${max}`);
  return n;
}

/** A repeatable, comma-separated list parameter (`team=a&team=b` or `team=a,b`); undefined when absent. */
export function listParam(url: URL, name: string): string[] | undefined {
  const raw = url.searchParams.getAll(name);
  if (raw.length === 0) return undefined;
  const values = [
    ...new Set(
      raw
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
  if (values.length > MAX_VALUES) throw badRequest(`${name} takes at most ${MAX_VALUES} values`);
  if (values.some((v) => v.length > MAX_VALUE_LENGTH))
    throw badRequest(`${name} values are at most ${MAX_VALUE_LENGTH} characters`);
  return values.length ? values : undefined;
}

/**
 * The principal a read request is answered as. An admin may ask to see an answer as another audience would
 * (`audience=viewer`: what a report shared with everyone shows; `audience=manager:TEAM[,TEAM]`: what a
 * manager of those teams sees), as the CLI does for output that leaves the machine (cli/audience.ts).
 * Other tokens keep their own view (`audience=viewer` changes nothing for them).
 */
export function principalAs(p: Principal, audience: string | null): Principal {
  if (audience === null) return p;
  if (audience === 'viewer') return p.role === 'admin' ? { ...p, role: 'viewer', teams: null } : p;
  const m = /^manager:(.+)$/.exec(audience);
  const teams = m
    ? [
        ...new Set(
          (m[1] as string)
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        ),
      ]
    : [];
  if (teams.length === 0) throw badRequest('audience expects viewer or manager:TEAM[,TEAM]');
  if (p.role !== 'admin')
    throw new HttpError('forbidden', "only an admin token may ask for a manager's view");
  return { ...p, role: 'manager', teams };
}

/** The metric viewer of a principal: privacy rules read it (ingest tokens never get this far). */
export function viewerOf(p: Principal): Viewer {
  if (p.role === 'manager') return { role: 'manager', teams: p.teams ?? [] };
  return { role: p.role === 'admin' ? 'admin' : 'viewer' };
}

/**
 * The teams a request may see: a manager's scope, or the teams asked for within it. A manager asking for a
 * team outside their scope is refused (403), not answered as if the store were empty.
 */
export function scopedTeams(p: Principal, asked: string[] | undefined): string[] | undefined {
  if (p.role !== 'manager') return asked;
  const mine = p.teams ?? [];
  const outside = (asked ?? []).find((t) => !mine.includes(t));
  if (outside !== undefined)
    throw new HttpError(
      'forbidden',
      `team "${outside}" is not among this token's teams (${mine.join(', ')})`,
    );
  return asked ?? mine;
}

/** Who is behind each team, tool and model of a window (privacy's view of the facts), once per data version. */
export function cachedPersonFacts(deps: ServerDeps, window: DayWindow): Promise<PersonFact[]> {
  return deps.cache.value(`person-facts|${window.since}|${window.until}`, () => personFacts(deps.db, window));
}

/** The first and last day with data (seen through `filter`), computed once per data version. */
export function cachedExtent(
  deps: ServerDeps,
  filter: MetricFilter = {},
): Promise<{ first: string; last: string } | null> {
  if (isEmptyFilter(filter))
    return deps.cache.value('extent', () => dataExtent({ db: filteredDb(deps.db, filter) }));
  // A filter of teams only (the dashboard's team picker): from every team's extent, read once.
  const teams = filter.teams;
  if (teams && filter.tools === undefined && filter.models === undefined) {
    return deps.cache
      .value('extent|by-team', () => dataExtentByTeam({ db: deps.db }))
      .then((byTeam) => teamsExtent(byTeam, teams));
  }
  return deps.cache.value(`extent|${JSON.stringify(filter)}`, () =>
    dataExtent({ db: filteredDb(deps.db, filter) }),
  );
}

/**
 * The default window: the last 28 days ending today in the org's time zone, or ending on the data's last
 * day when the store has nothing for today (a demo, an export loaded later).
 */
async function defaultUntil(deps: ServerDeps): Promise<string> {
  const today = dayOf(deps.now?.() ?? new Date(), deps.timeZone);
  const extent = await cachedExtent(deps);
  if (!extent || extent.last >= today) return addDays(today, 1);
  return addDays(extent.last, 1);
}

/**
 * `window=diagnostic`: the CLI's default instead of the last 28 days — the last four complete weeks with
 * data, since/until applied as the CLI applies them — so `mileage query` answers alike with or without a
 * server.
 */
async function diagnosticWindow(deps: ServerDeps, since?: string, until?: string): Promise<DayWindow> {
  const extent = await cachedExtent(deps);
  if (!extent) throw new HttpError('not_found', 'the store has no data yet');
  return diagnosticWindows(extent.first, extent.last, {
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  }).report;
}

export async function readScope(deps: ServerDeps, caller: Principal, url: URL): Promise<Scope> {
  const p = principalAs(caller, url.searchParams.get('audience'));
  const since = dayParam(url, 'since');
  let until = dayParam(url, 'until');
  const mode = url.searchParams.get('window');
  if (mode !== null && mode !== 'diagnostic') throw badRequest('window expects diagnostic');
  let window: DayWindow;
  if (mode === 'diagnostic') window = await diagnosticWindow(deps, since, until);
  else {
    if (!until) until = since ? addDays(since, DEFAULT_DAYS) : await defaultUntil(deps);
    window = { since: since ?? addDays(until, -DEFAULT_DAYS), until };
  }
  if (window.since >= window.until) throw badRequest('since must be before until');
  const asked = listParam(url, 'team');
  let teams = scopedTeams(p, asked);
  const tools = listParam(url, 'tool');
  const models = listParam(url, 'model');
  const viewer = viewerOf(p);
  const filter: MetricFilter = {
    ...(teams !== undefined ? { teams } : {}),
    ...(tools !== undefined ? { tools } : {}),
    ...(models !== undefined ? { models } : {}),
  };
  if (!protectsGroups(deps.privacy, viewer, filter)) return { window, filter, viewer };
  // The minimum group size binds this audience: a selection that would single out a small group (or whose
  // difference from a wider one would) is refused. A manager's own scope drops its small teams instead.
  const facts = await cachedPersonFacts(deps, window);
  const min = deps.privacy.minGroupSize;
  if (p.role === 'manager' && asked === undefined && teams) {
    teams = pickable(facts, { ...filter, teams: undefined }, 'teams', teams, min);
    filter.teams = teams;
  }
  const refusal = filterRefusal(facts, filter, min);
  if (refusal) throw new HttpError('forbidden', `${refusal} (privacy: min_group_size ${min})`);
  return { window, filter, viewer };
}

/**
 * Whether a team may be named next to a single fact (a PR) in this scope's answers: always where the
 * audience may see people, else only a team this audience could pick as a filter (not a small one).
 */
export async function teamShown(deps: ServerDeps, scope: Scope): Promise<(team: string | null) => boolean> {
  if (!protectsGroups(deps.privacy, scope.viewer, scope.filter)) return () => true;
  const facts = await cachedPersonFacts(deps, scope.window);
  const min = deps.privacy.minGroupSize;
  const base = { ...scope.filter, teams: undefined };
  return (team) => team !== null && pickable(facts, base, 'teams', [team], min).length === 1;
}

/** A metric context for this request: the store seen through the filter, the org's privacy, the viewer. */
export function metricContext(deps: ServerDeps, scope: Scope): MetricContext {
  return filteredContext(
    { db: deps.db, window: scope.window, privacy: deps.privacy, viewer: scope.viewer },
    scope.filter,
  );
}
