import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEFAULT_PRIVACY, type OrgDirectory } from '../../src/domain/directory.js';
import { identityHash, redact } from '../../src/domain/ids.js';
import { usd } from '../../src/domain/money.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { sqlString } from '../../src/store/sql-text.js';

/**
 * A large organisation written straight into a store by SQL, for the scale benchmarks of the catalog, the
 * weekly report, the API and the dashboard (10M and 100M usage records, 100k merged PRs). Parsing files at
 * that volume would measure the parsers, not the queries, so rows are generated inside DuckDB from `range()`
 * with hash-derived columns: deterministic, no JavaScript loop over records.
 *
 * Shape: `engineers` people in teams of ~12, sessions of one person within an eight-hour slot; 85% of records are agent requests by a person (Claude Code,
 * request granularity, list-price estimates), 15% are hourly API usage by key (workflows, one billed daily
 * cost-report row per day for that stream so the ledger allocates billed totals). Volume grows linearly
 * over the period (records per day ∝ day index), which is what trajectory and forecast see in real orgs.
 */
export interface OrgScaleOptions {
  records: number;
  prs: number;
  engineers: number;
  days: number;
  /** First day after the data (exclusive), a Monday. */
  end: string;
}

export const ORG_SCALE_DEFAULTS: OrgScaleOptions = {
  records: 10_000_000,
  prs: 100_000,
  // 100k merged PRs in 26 weeks is ~4 a week each for 1,000 engineers; 10M records is then ~55 requests per
  // engineer per day, in up to three sessions a day.
  engineers: 1_000,
  days: 182,
  end: '2026-11-16',
};

const MODELS = [
  // provider, model, $/Mtok input, cache read, cache write, output, share of agent traffic (per mille)
  ['anthropic', 'claude-sonnet-4-5', '3', '0.3', '3.75', '15', 550],
  ['anthropic', 'claude-opus-4-1', '15', '1.5', '18.75', '75', 120],
  ['anthropic', 'claude-haiku-4-5', '1', '0.1', '1.25', '5', 180],
  ['openai', 'gpt-5', '1.25', '0.125', '0', '10', 100],
  ['openai', 'gpt-5-mini', '0.25', '0.025', '0', '2', 50],
] as const;

const WORKFLOWS = ['alert-triage', 'support-triage', 'pr-review', 'release-notes', 'doc-search'];

export function scaleDirectory(o: OrgScaleOptions): OrgDirectory {
  const teamCount = Math.max(4, Math.round(o.engineers / 12));
  const teams = Array.from({ length: teamCount }, (_, i) => ({
    id: `team-${i}`,
    name: `Team ${i}`,
    loadedCostPerEngineer: usd(180_000),
  }));
  const people = Array.from({ length: o.engineers }, (_, i) => ({
    id: `p${i}`,
    name: `Person ${i}`,
    team: `team-${i % teamCount}`,
    aliases: [
      { kind: 'email' as const, value: `person${i}@scale.example` },
      { kind: 'login' as const, value: `person${i}` },
    ],
  }));
  const keys = Array.from({ length: Math.max(20, Math.round(o.engineers / 5)) }, (_, i) => ({
    id: `key-${i}`,
    name: `service-key-${i}`,
    owner: null,
    team: `team-${i % teamCount}`,
    workflow: WORKFLOWS[i % WORKFLOWS.length] ?? null,
    workloadType: i % 2 ? 'triage' : 'summarisation',
  }));
  return {
    file: null,
    org: 'scale-org',
    timeZone: 'UTC',
    teams,
    people,
    keys,
    workflows: WORKFLOWS.map((id, i) => ({
      id,
      name: id,
      outcomeKind: null,
      qualityBar: null,
      team: `team-${i % teamCount}`,
    })),
    seats: [],
    accounts: [{ tool: 'claude-code', stream: 'anthropic:scale-org' }],
    priceOverrides: [],
    privacy: DEFAULT_PRIVACY,
    sources: ['bench'],
  };
}

/** Values for a VALUES list; every one generated here, never user input. */
const lit = (v: string | number) => (typeof v === 'number' ? String(v) : sqlString(v));

async function lookupTables(db: Db, o: OrgScaleOptions): Promise<void> {
  const people = Array.from({ length: o.engineers }, (_, i) => {
    const email = `person${i}@scale.example`;
    return `(${i}, ${lit(identityHash(email))}, ${lit(redact(email))}, ${lit(identityHash(`person${i}`))})`;
  });
  const keyCount = Math.max(20, Math.round(o.engineers / 5));
  const keys = Array.from(
    { length: keyCount },
    (_, i) => `(${i}, ${lit(identityHash(`key-${i}`))}, ${lit(redact(`key-${i}`))})`,
  );
  let cumulative = 0;
  const models = MODELS.map(([provider, model, inp, cr, cw, out, share], i) => {
    const lo = cumulative;
    cumulative += share;
    return `(${i}, ${lit(provider)}, ${lit(model)}, ${inp}, ${cr}, ${cw}, ${out}, ${lo}, ${cumulative})`;
  });
  await db.query(
    'CREATE OR REPLACE TABLE gen_people (i INTEGER, actor_hash VARCHAR, actor_hint VARCHAR, login_hash VARCHAR)',
  );
  await db.query(`INSERT INTO gen_people VALUES ${people.join(',')}`);
  await db.query('CREATE OR REPLACE TABLE gen_keys (i INTEGER, key_hash VARCHAR, key_hint VARCHAR)');
  await db.query(`INSERT INTO gen_keys VALUES ${keys.join(',')}`);
  await db.query(`CREATE OR REPLACE TABLE gen_models (i INTEGER, provider VARCHAR, model VARCHAR,
  r_in DECIMAL(18,10), r_cr DECIMAL(18,10), r_cw DECIMAL(18,10), r_out DECIMAL(18,10), lo INTEGER, hi INTEGER)`);
  await db.query(`INSERT INTO gen_models VALUES ${models.join(',')}`);
}

/**
 * The usage rows. `n` → day by the inverse of a linear ramp (so later days have more records and rows stay
 * sorted by day, which is how a real append-only store looks and what zone maps prune on).
 */
function usageSql(o: OrgScaleOptions, from: number, to: number): string {
  const keyCount = Math.max(20, Math.round(o.engineers / 5));
  return `
INSERT INTO usage (id, source, stream, granularity, start_at, end_at, day, tool, provider, model, input_tokens,
  cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, requests, cost, est_cost, cost_basis,
  price_ref, actor_hash, actor_hint, key_hash, key_hint, session_id, repo, branch, workflow)
WITH r AS (
  SELECT n,
    CAST(floor(${o.days} * sqrt((n + 0.5) / ${o.records})) AS INTEGER) AS d,
    hash(n) AS h1, hash(n + ${o.records}) AS h2,
    (n % 100) < 85 AS agent
  FROM range(${from}, ${to}) t(n)
),
g AS (
  SELECT r.*,
    CAST(DATE ${sqlString(o.end)} - INTERVAL (${o.days} - d) DAY AS DATE) AS day_,
    CAST(h1 % ${o.engineers} AS INTEGER) AS pi,
    CAST(h2 % ${keyCount} AS INTEGER) AS ki,
    CAST((h1 >> 20) % 1000 AS INTEGER) AS mpick,
    50 + (h2 >> 8) % 3000 AS t_in,
    (h1 >> 12) % 40000 AS t_cr,
    (h2 >> 24) % 4000 AS t_cw,
    100 + (h1 >> 32) % 2000 AS t_out,
    CAST((h2 >> 40) % 86400 AS INTEGER) AS sec
  FROM r
)
SELECT 'gen-' || n,
  CASE WHEN agent THEN 'claude-code' ELSE 'anthropic-usage' END,
  CASE WHEN agent THEN NULL ELSE 'api:scale-org' END,
  CASE WHEN agent THEN 'request' ELSE 'hour' END,
  CAST(day_ AS TIMESTAMPTZ) + to_seconds(sec), CAST(day_ AS TIMESTAMPTZ) + to_seconds(sec + 20), day_,
  CASE WHEN agent THEN 'claude-code' ELSE 'api' END,
  m.provider, m.model, t_in, t_cr, t_cw, t_out, 0, 1,
  CAST((t_in * m.r_in + t_cr * m.r_cr + t_cw * m.r_cw + t_out * m.r_out) / 1000000 AS DECIMAL(18,10)),
  CAST((t_in * m.r_in + t_cr * m.r_cr + t_cw * m.r_cw + t_out * m.r_out) / 1000000 AS DECIMAL(18,10)),
  'list_estimate', 'bench:' || m.model,
  CASE WHEN agent THEN p.actor_hash END, CASE WHEN agent THEN p.actor_hint END,
  CASE WHEN agent THEN NULL ELSE k.key_hash END, CASE WHEN agent THEN NULL ELSE k.key_hint END,
  CASE WHEN agent THEN 's-' || pi || '-' || d || '-' || (sec // 28800) END,
  CASE WHEN agent THEN 'github.com/scale/repo-' || (pi % 50) END,
  CASE WHEN agent THEN 'feature/p' || pi || '-' || (d // 3) END,
  NULL
FROM g
JOIN gen_models m ON mpick >= m.lo AND mpick < m.hi
JOIN gen_people p ON p.i = pi
JOIN gen_keys k ON k.i = ki;`;
}

/** One billed cost-report row per day for the API stream: 1.02 × that day's estimate, rounded to cents. */
function billedSql(): string {
  return `
INSERT INTO usage (id, source, stream, granularity, start_at, end_at, day, tool, provider, model, input_tokens,
  cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, requests, cost, est_cost, cost_basis)
SELECT 'bill-' || day, 'anthropic-cost', 'api:scale-org', 'day', CAST(day AS TIMESTAMPTZ),
  CAST(day AS TIMESTAMPTZ) + INTERVAL 1 DAY, day, 'api', 'anthropic', NULL, 0, 0, 0, 0, 0, 0,
  CAST(round(sum(cost) * 1.02, 2) AS DECIMAL(18,10)), NULL, 'billed'
FROM usage WHERE source = 'anthropic-usage' GROUP BY day;`;
}

function outcomesSql(o: OrgScaleOptions): string {
  return `
INSERT INTO outcomes (id, source, kind, occurred_at, day, opened_at, actor_hash, actor_hint, repo, ref, head_branch,
  linked_tickets, additions, deletions, files, effective_lines, points, points_basis, ai_assisted, ai_evidence,
  rework, rework_reason, category, work_type, workflow, count, value)
WITH r AS (
  SELECT n, CAST(floor(${o.days} * sqrt((n + 0.5) / ${o.prs})) AS INTEGER) AS d, hash(n * 31 + 7) AS h
  FROM range(0, ${o.prs}) t(n)
)
SELECT 'github:scale/' || n, 'github', 'pr_merged',
  CAST(DATE ${sqlString(o.end)} - INTERVAL (${o.days} - d) DAY AS TIMESTAMPTZ) + to_seconds(CAST(h % 86400 AS INTEGER)),
  CAST(DATE ${sqlString(o.end)} - INTERVAL (${o.days} - d) DAY AS DATE),
  CAST(DATE ${sqlString(o.end)} - INTERVAL (${o.days} - d + 1 + CAST(h % 5 AS INTEGER)) DAY AS TIMESTAMPTZ),
  p.login_hash, 'p••', 'github.com/scale/repo-' || (p.i % 50), '#' || n, 'feature/p' || p.i || '-' || (d // 3),
  [], (h >> 8) % 400, (h >> 16) % 150, 1 + (h >> 24) % 12, (h >> 8) % 400 + (h >> 16) % 150,
  round(1 + sqrt(((h >> 8) % 400 + (h >> 16) % 150) / 20.0), 1), 'size_model',
  (h >> 32) % 10 < 6, CASE WHEN (h >> 32) % 10 < 6 THEN 'trailer:claude-code' END,
  (h >> 36) % 100 < 8, CASE WHEN (h >> 36) % 100 < 8 THEN 'recent_lines' END,
  CASE WHEN (h >> 40) % 10 < 7 THEN 'new_value' ELSE 'ktlo' END, NULL, NULL, 1, NULL
FROM r JOIN gen_people p ON p.i = CAST(h % ${o.engineers} AS INTEGER);`;
}

export interface OrgScaleStore {
  path: string;
  built: boolean;
  seconds: number;
  directory: OrgDirectory;
}

/**
 * The store for these options at `path`, built once (usage in batches of 10M rows, then the ledger) and
 * reused on later runs; a half-built store is never left under the final name.
 */
export async function orgScaleStore(
  path: string,
  o: OrgScaleOptions,
  log: (line: string) => void,
): Promise<OrgScaleStore> {
  const directory = scaleDirectory(o);
  if (existsSync(path)) return { path, built: false, seconds: 0, directory };
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  await rm(partial, { force: true });
  await rm(`${partial}.wal`, { force: true });
  const started = performance.now();
  const db = await openStore(partial);
  try {
    // DuckDB takes 80% of RAM by default; the ledger build over 100M rows would, and leave nothing for the
    // rest of the machine. Capped, it spills to disk instead.
    if (o.records > 20_000_000) await db.query(`SET memory_limit = '10GB'`);
    await db.loadDirectory(directory);
    await lookupTables(db, o);
    const batch = 10_000_000;
    for (let from = 0; from < o.records; from += batch) {
      const to = Math.min(o.records, from + batch);
      await db.query(usageSql(o, from, to));
      log(`usage ${to.toLocaleString('en-US')} / ${o.records.toLocaleString('en-US')}`);
    }
    await db.query(billedSql());
    await db.query(outcomesSql(o));
    log(`outcomes ${o.prs.toLocaleString('en-US')}; building the ledger…`);
    for (const t of ['gen_people', 'gen_keys', 'gen_models']) await db.query(`DROP TABLE ${t}`);
    await db.refreshLedger();
    await db.query('CHECKPOINT');
  } finally {
    await db.close();
  }
  await rename(partial, path);
  return { path, built: true, seconds: (performance.now() - started) / 1000, directory };
}
