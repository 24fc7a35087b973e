import type { OrgDirectory } from '../../src/domain/directory.js';
import type { DayWindow } from '../../src/domain/time.js';
import { dataExtent } from '../../src/metrics/spend.js';
import type { Db } from '../../src/store/db.js';
import { demoStore, type DemoStore } from './demo-store.js';

/**
 * The privacy matrix's ground truth, computed apart from the code under test: every spend and delivery fact
 * of the store with the person behind it, read once from the store's base relations, and the people behind
 * any group (a filter, a filter and one row of a breakdown, a difference of two filters) counted in memory.
 * A group "identifies" people when it has at least one and fewer than `min_group_size`.
 */
export interface Fact {
  day: string;
  person: string | null;
  team: string | null;
  tool: string | null;
  model: string | null;
  key: string | null;
  personalKey: boolean;
  workflow: string | null;
  repo: string | null;
  stream: string | null;
  basis: string | null;
  /** Spend (the ledger) or delivery (outcomes): delivery facts have no tool, model, key, stream or basis. */
  side: 'spend' | 'delivery';
}

export interface Filter {
  teams?: string[];
  tools?: string[];
  models?: string[];
}

export type Dim =
  'tool' | 'model' | 'team' | 'person' | 'key' | 'workflow' | 'repository' | 'stream' | 'basis';

export async function loadFacts(db: Db): Promise<Fact[]> {
  const spend = await db.query(
    `SELECT CAST(l.day AS VARCHAR) AS day, l.person_id, l.team_id, l.tool, l.model, l.key_hash,
       k.owner IS NOT NULL AS personal, l.workflow_id, l.repo, l.stream, l.basis
     FROM main.ledger_daily l LEFT JOIN main.dir_keys k ON k.key_hash = l.key_hash`,
  );
  const delivery = await db.query(
    `SELECT CAST(day AS VARCHAR) AS day, person_id, team_id, repo, workflow FROM main.outcomes_identity`,
  );
  const s = (v: unknown) =>
    typeof v === 'string' ? v : v === null || v === undefined ? null : JSON.stringify(v);
  return [
    ...spend.map((r): Fact => ({
      day: String(r.day),
      person: s(r.person_id),
      team: s(r.team_id),
      tool: s(r.tool),
      model: s(r.model),
      key: s(r.key_hash),
      personalKey: r.personal === true,
      workflow: s(r.workflow_id),
      repo: s(r.repo),
      stream: s(r.stream),
      basis: s(r.basis),
      side: 'spend',
    })),
    ...delivery.map((r): Fact => ({
      day: String(r.day),
      person: s(r.person_id),
      team: s(r.team_id),
      tool: null,
      model: null,
      key: null,
      personalKey: false,
      workflow: s(r.workflow),
      repo: s(r.repo),
      stream: null,
      basis: null,
      side: 'delivery',
    })),
  ];
}

/** The row key a fact falls in when a table is grouped by `dim`, as a viewer who may not name people sees it. */
export function keyOf(f: Fact, dim: Dim): string | null {
  switch (dim) {
    case 'tool':
      return f.side === 'spend' ? (f.tool ?? 'unknown') : null;
    case 'model':
      return f.side === 'spend' ? (f.model ?? 'unknown') : null;
    case 'team':
      return f.team ?? 'unattributed';
    case 'person':
      return f.person ?? 'unattributed';
    case 'key':
      if (f.side !== 'spend') return null;
      return f.personalKey ? `personal:${f.team ?? 'unattributed'}` : (f.key ?? 'no key');
    case 'workflow':
      return f.workflow ?? 'none';
    case 'repository':
      return (f.repo ?? 'unknown').replace(/^(\/home|\/Users|[A-Za-z]:[\\/]Users)[\\/][^\\/]+/, '~');
    case 'stream':
      return f.side === 'spend' ? (f.stream ?? '').replace(/^seat:([^:]+):.+$/, 'seat:$1') : null;
    case 'basis':
      return f.side === 'spend' ? f.basis : null;
    default:
      return dim satisfies never;
  }
}

const inList = (list: string[] | undefined, v: string | null) =>
  list === undefined || (v !== null && list.includes(v));

/**
 * Whether a fact is read under a filter. As the server applies filters, delivery facts have no tool or model:
 * a tool or model filter leaves them all in. Counting them would hide a small tool's users among everyone
 * who merged a PR, so under a tool or model filter the people counted are the spend side's only.
 */
export function matches(f: Fact, filter: Filter): boolean {
  if (!inList(filter.teams, f.team)) return false;
  if (f.side === 'delivery') return filter.tools === undefined && filter.models === undefined;
  return inList(filter.tools, f.tool) && inList(filter.models, f.model);
}

export class Truth {
  private readonly memo = new Map<string, Fact[]>();
  private readonly byDim = new Map<string, Map<string, Set<string>>>();

  constructor(readonly facts: Fact[]) {}

  /** The facts of a window under a filter (memoised). */
  facts0(window: DayWindow, filter: Filter): Fact[] {
    const key = `${window.since}|${window.until}|${JSON.stringify(filter)}`;
    let hit = this.memo.get(key);
    if (!hit) {
      hit = this.facts.filter((f) => f.day >= window.since && f.day < window.until && matches(f, filter));
      this.memo.set(key, hit);
    }
    return hit;
  }

  /** Distinct people behind a set of facts. */
  static people(facts: Iterable<Fact>): Set<string> {
    const out = new Set<string>();
    for (const f of facts) if (f.person !== null) out.add(f.person);
    return out;
  }

  population(window: DayWindow, filter: Filter): number {
    return Truth.people(this.facts0(window, filter)).size;
  }

  /** People per row key of a breakdown by `dim` under a filter. */
  rows(window: DayWindow, filter: Filter, dim: Dim): Map<string, Set<string>> {
    const key = `${window.since}|${window.until}|${JSON.stringify(filter)}|${dim}`;
    let hit = this.byDim.get(key);
    if (!hit) {
      hit = new Map();
      for (const f of this.facts0(window, filter)) {
        const k = keyOf(f, dim);
        if (k === null) continue;
        let set = hit.get(k);
        if (!set) hit.set(k, (set = new Set()));
        if (f.person !== null) set.add(f.person);
      }
      this.byDim.set(key, hit);
    }
    return hit;
  }

  /** People behind the facts of `wide` that `narrow` leaves out: what the difference of two answers reveals. */
  difference(window: DayWindow, wide: Filter, narrow: Filter): number {
    const inner = new Set(this.facts0(window, narrow));
    return Truth.people(this.facts0(window, wide).filter((f) => !inner.has(f))).size;
  }
}

/** A group of `n` people identifies them when it has some and fewer than the minimum. */
export const identifies = (n: number, min: number) => n >= 1 && n < min;

/** The demo with a team of one, the matrices' organisation, and its truth. */
export interface SmallTeamDemo {
  demo: DemoStore;
  directory: OrgDirectory;
  truth: Truth;
  extent: { first: string; last: string };
}

/**
 * The demo organisation with a team below the minimum group size: the last person of Data moves to a new
 * team Solo (a team of one), the ledger is rebuilt, and the truth is read from the store.
 */
export async function smallTeamDemo(): Promise<SmallTeamDemo> {
  const demo = await demoStore();
  const data = demo.directory.people.filter((p) => p.team === 'data');
  const moved = data[data.length - 1];
  if (!moved) throw new Error('the demo has no Data team');
  const directory: OrgDirectory = {
    ...demo.directory,
    teams: [...demo.directory.teams, { id: 'solo', name: 'Solo', loadedCostPerEngineer: null }],
    people: demo.directory.people.map((p) => (p === moved ? { ...p, team: 'solo' } : p)),
  };
  await demo.db.loadDirectory(directory);
  await demo.db.refreshLedger();
  const truth = new Truth(await loadFacts(demo.db));
  const extent = await dataExtent({ db: demo.db });
  if (!extent) throw new Error('empty demo');
  return { demo, directory, truth, extent };
}
