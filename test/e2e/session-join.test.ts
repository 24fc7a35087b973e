import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { DAY, lines, ScriptedRepo, T0 } from '../git-repo.js';
import { mileage } from './cli.js';

/**
 * The session → branch → PR join end to end through the built CLI, on a scripted repository whose clones
 * have a local path as `origin` (the case where the git side and the agent side used to name the
 * repository differently and never met). Sessions run in one clone, `ingest git` reads another; both
 * name the repository by the upstream's path.
 *
 *   day 0  init on main
 *   day 1  session A on feat/login (before the PR's first commit)           $1.00 → PR #1
 *   day 2  first commit on feat/login; session M on main                   $0.25 → no PR (default branch)
 *   day 2½ session B on feat/login (while the PR is open)                  $2.00 → PR #1
 *   day 3  PR #1 merged (merge commit)
 *   day 4  session C on feat/login (after the merge; no later PR from it)  $0.50 → no PR
 *   day 5  commit on feat/report; day 5½ session R on feat/report          $4.00 → PR #2
 *   day 6  PR #2 merged
 *   day 7  session D on feat/login, in another repository                  $8.00 → no PR
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-e2e-join-'));
const upstream = new ScriptedRepo('mileage-e2e-join-upstream-');
const work = join(root, 'work');
const ci = join(root, 'ci');
const home = join(root, 'claude');
const db = join(root, 'join.duckdb');

interface Session {
  id: string;
  branch: string;
  day: number;
  cost: number;
  cwd: string;
  pr: string | null;
}

const SESSIONS: Session[] = [
  { id: 'A', branch: 'feat/login', day: 1, cost: 1, cwd: join(work, 'src'), pr: '1' },
  { id: 'M', branch: 'main', day: 2, cost: 0.25, cwd: work, pr: null },
  { id: 'B', branch: 'feat/login', day: 2.5, cost: 2, cwd: work, pr: '1' },
  { id: 'C', branch: 'feat/login', day: 4, cost: 0.5, cwd: work, pr: null },
  { id: 'R', branch: 'feat/report', day: 5.5, cost: 4, cwd: join(work, 'src'), pr: '2' },
  { id: 'D', branch: 'feat/login', day: 2.5, cost: 8, cwd: join(root, 'elsewhere'), pr: null },
];

function transcriptLine(s: Session, n: number): string {
  return JSON.stringify({
    type: 'assistant',
    sessionId: `sess-${s.id}`,
    requestId: `req_${s.id}${n}`,
    timestamp: new Date((T0 + s.day * DAY + n * 60) * 1000).toISOString(),
    cwd: s.cwd,
    gitBranch: s.branch,
    costUSD: s.cost / 2,
    message: {
      id: `msg_${s.id}${n}`,
      model: 'claude-sonnet-4-5',
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
        output_tokens: 20,
      },
    },
  });
}

async function ok(args: string[]) {
  const r = await mileage([...args, '--db', db], { cwd: root, env: { CLAUDE_CONFIG_DIR: home } });
  expect(r.code, r.stderr).toBe(0);
  return r;
}

beforeAll(async () => {
  upstream.write('src/app.ts', lines('app', 20));
  upstream.commit('init', 0);
  upstream.branch('feat/login');
  upstream.write('src/login.ts', lines('login', 30));
  upstream.commit('feat: login form', 2);
  upstream.checkout('main');
  upstream.merge('feat/login', 'Merge pull request #1 from acme/feat/login', 3);
  upstream.branch('feat/report');
  upstream.write('src/report.ts', lines('report', 30));
  upstream.commit('feat: report', 5);
  upstream.checkout('main');
  upstream.merge('feat/report', 'Merge pull request #2 from acme/feat/report', 6);
  for (const clone of [work, ci]) execFileSync('git', ['clone', '-q', upstream.dir, clone]);
  mkdirSync(join(work, 'src'), { recursive: true });
  mkdirSync(join(root, 'elsewhere'), { recursive: true });
  execFileSync('git', ['init', '-q', join(root, 'elsewhere')]);
  const projects = join(home, 'projects', '-work');
  mkdirSync(projects, { recursive: true });
  for (const s of SESSIONS)
    writeFileSync(join(projects, `sess-${s.id}.jsonl`), `${transcriptLine(s, 1)}\n${transcriptLine(s, 2)}\n`);
  await ok(['ingest', 'git', ci]);
  await ok(['ingest', 'claude-code', home]);
}, 60_000);

afterAll(() => {
  upstream.cleanup();
  rmSync(root, { recursive: true, force: true });
});

describe('session → branch → PR through the CLI, with a local-path origin', () => {
  it('names the repository by the upstream on both sides', async () => {
    const store = await openStore(db);
    try {
      const repos = await store.query(
        `SELECT DISTINCT repo FROM outcomes UNION SELECT DISTINCT repo FROM cwd_repos ORDER BY 1`,
      );
      const real = execFileSync('realpath', [upstream.dir], { encoding: 'utf8' }).trim();
      const elsewhere = execFileSync('realpath', [join(root, 'elsewhere')], { encoding: 'utf8' }).trim();
      expect(repos.map((r) => r.repo).sort()).toEqual([real, elsewhere].sort());
    } finally {
      await store.close();
    }
  });

  it('joins sessions before and during the PR, not after it, on main or in another repository', async () => {
    const store = await openStore(db);
    try {
      const rows = await store.query(
        `SELECT u.session_id AS session, o.ref FROM pr_sessions ps JOIN usage u ON u.id = ps.record_id
         JOIN outcomes o ON o.id = ps.pr_id ORDER BY 1`,
      );
      const expected = SESSIONS.filter((s) => s.pr !== null).flatMap((s) => [
        { session: `sess-${s.id}`, ref: s.pr },
        { session: `sess-${s.id}`, ref: s.pr },
      ]);
      expect(rows).toEqual(expected);
    } finally {
      await store.close();
    }
  });

  it('attributes the joined dollars to each PR, each dollar once, in the FOCUS export', async () => {
    const out = join(root, 'focus.csv');
    await ok(['export', 'focus', '--out', out]);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    const columns = (header ?? '').split(',');
    const billed = columns.indexOf('BilledCost');
    const byPr = new Map<string, Decimal>();
    for (const row of rows) {
      // Tags is the one quoted JSON field; the money column comes before it.
      const pr = /""pr"":(?:""(\w+)""|null)/.exec(row)?.[1] ?? 'none';
      const cost = new Decimal(row.split(',')[billed] ?? '0');
      byPr.set(pr, (byPr.get(pr) ?? new Decimal(0)).plus(cost));
    }
    const expected = new Map<string, Decimal>();
    for (const s of SESSIONS) {
      const key = s.pr ?? 'none';
      expected.set(key, (expected.get(key) ?? new Decimal(0)).plus(s.cost));
    }
    expect(Object.fromEntries([...byPr].map(([k, v]) => [k, v.toFixed(2)]))).toEqual(
      Object.fromEntries([...expected].map(([k, v]) => [k, v.toFixed(2)])),
    );
    expect(Object.fromEntries([...byPr].map(([k, v]) => [k, v.toFixed(2)]))).toEqual({
      '1': '3.00',
      '2': '4.00',
      none: '8.75',
    });
  });
});
