import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, ScriptedRepo, type Who } from '../git-repo.js';
import { mileage } from './cli.js';

/**
 * Every way work reaches `main`, scripted, then read through the CLI: what `ingest git` stores, and the
 * figures the metrics compute on it. Each expectation is counted from the script below.
 *
 *  day  unit                                                     kind         AI          rework
 *    0  chore: initial (root)                                    direct push  —           —
 *   10  #1 merge of feat/one (2 branch commits, Claude on one)   merge        claude-code —
 *   20  #2 squash `feat: two (#2)` (Copilot trailer)            squash       copilot     —
 *   30  #3 rebase: Amp trailer on commit 1, `(#3)` only on 2     rebase       amp         —
 *   31  docs: typo (Claude trailer)                              direct push  (claude)    —
 *   33  #4 merge rewriting the 20 lines #3 wrote 6 days before   merge        —           churn
 *   40  #5 squash: lockfile lines #3 wrote, and a version bump  squash       —           — (excluded)
 *   62  #6 squash `Revert "feat: two (#2)" (#6)`, no sha line   squash       —           revert of #2
 *   75  #7 merge rewriting 15 lines #1 wrote 66 days before      merge        —           — (old lines)
 */
const GITHUB: Who = { name: 'GitHub', email: 'noreply@github.com' };
const CLAUDE = 'Co-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>';
const COPILOT = 'Co-authored-by: Copilot <copilot@github.com>';
const AMP = 'Amp-Thread-ID: https://ampcode.com/threads/T-1\nCo-authored-by: Amp <amp@ampcode.com>';

const repo = new ScriptedRepo('mileage-e2e-delivery-');
const env = { MILEAGE_DB: join(repo.dir, '.mileage', 'm.duckdb') };
const WINDOW = ['--since', '2026-01-01', '--until', '2026-07-01'];
const shas: Record<string, string> = {};

function mergePr(n: number, branch: string, work: () => void, day: number): void {
  repo.branch(branch);
  work();
  repo.checkout('main');
  shas[`#${n}`] = repo.merge(branch, `Merge pull request #${n} from acme/${branch}\n\nPR ${n}`, day, GITHUB);
}

function script(): void {
  repo.write('src/app.ts', lines('app', 100));
  repo.write('package.json', ['{', '  "name": "app",', '  "version": "1.0.0"', '}']);
  repo.write('package-lock.json', lines('lock', 300));
  shas.root = repo.commit('chore: initial', 0);

  mergePr(
    1,
    'feat/one',
    () => {
      repo.write('src/one.ts', lines('one', 40));
      repo.commit(`feat: one\n\n${CLAUDE}`, 9);
      repo.write('docs/one.md', lines('one-doc', 10));
      repo.commit('docs: one', 9.5);
    },
    10,
  );

  // A forge squash: one commit, authored and committed at merge time by the forge.
  repo.write('src/two.ts', lines('two', 30));
  shas['#2'] = repo.commit(`feat: two (#2)\n\n* two\n\n${COPILOT}`, 20, { committer: GITHUB });

  // A rebase merge written by the forge in one go: only the last commit carries the PR number.
  repo.write('src/three.ts', lines('three', 20));
  repo.commit(`feat: three\n\n${AMP}`, 27, { committer: GITHUB, committedDay: 30 });
  repo.write('src/three-b.ts', lines('three-b', 10));
  repo.replace('package-lock.json', 1, 50, 'lock-three');
  shas['#3'] = repo.commit('feat: three, part two (#3)', 28, { committer: GITHUB, committedDay: 30 });

  repo.replace('src/app.ts', 1, 1, 'typo');
  shas.typo = repo.commit(`docs: typo\n\n${CLAUDE}`, 31);

  mergePr(
    4,
    'fix/three',
    () => {
      repo.replace('src/three.ts', 1, 20, 'three-fix');
      repo.commit('fix: three again', 32);
    },
    33,
  );

  repo.replace('package-lock.json', 1, 50, 'lock-five');
  repo.write('package.json', ['{', '  "name": "app",', '  "version": "1.0.1"', '}']);
  shas['#5'] = repo.commit('chore(deps): bump lodash (#5)', 40, { committer: GITHUB });

  repo.git(['revert', '--no-commit', shas['#2'] ?? '']);
  shas['#6'] = repo.commit('Revert "feat: two (#2)" (#6)\n\nReverts acme/app#2', 62, { committer: GITHUB });
  repo.checkout('HEAD');

  mergePr(
    7,
    'refactor/one',
    () => {
      repo.replace('src/one.ts', 1, 15, 'one-v2');
      repo.commit('refactor: one', 74);
    },
    75,
  );
}

interface RepoLine {
  units: number;
  prs: number;
  directPushes: number;
  aiAssisted: number;
  rework: number;
}

interface Table {
  rows: { key: string; values: Record<string, number | string | null> }[];
}

async function query(metric: string, extra: string[] = []): Promise<Table> {
  const r = await mileage(['query', metric, '--json', ...WINDOW, ...extra], { cwd: repo.dir, env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Table;
}

beforeAll(() => script());
afterAll(() => repo.cleanup());

describe('ingest git on every kind of delivery unit', () => {
  let first: RepoLine;

  beforeAll(async () => {
    const r = await mileage(['ingest', 'git', '--json'], { cwd: repo.dir, env });
    expect(r.code, r.stderr).toBe(0);
    first = (JSON.parse(r.stdout) as { repositories: RepoLine[] }).repositories[0] as RepoLine;
  });

  it('stores 7 merged PRs and 2 direct pushes beside them', () => {
    expect(first).toMatchObject({ units: 9, prs: 7, directPushes: 2, aiAssisted: 3, rework: 2 });
  });

  it('counts AI-assisted share over merged PRs only (3 of 7, the AI direct push left out)', async () => {
    const t = await query('effectiveness.ai_assisted_share');
    expect(t.rows[0]?.values).toMatchObject({ prs: 7, pr_share: 3 / 7 });
  });

  it('counts the rework tax over merged PRs: the churn PR and the squash revert (2 of 7)', async () => {
    const t = await query('quality.rework_tax');
    expect(t.rows[0]?.values.pr_share).toBeCloseTo(2 / 7, 10);
  });

  it('reports line-level churn: young lines rewritten of all lines changed', async () => {
    // Changed lines (lockfiles left out; the root commit and the revert are not measured): #1 50, #2 30,
    // #3 30, typo 1, #4 20 (all 20 young), #5 1 (the version line), #7 15 (old lines).
    const t = await query('quality.churn_share');
    expect(t.rows[0]?.values).toMatchObject({ young_lines: 20, changed_lines: 147, units: 7 });
    expect(t.rows[0]?.values.churn_share).toBeCloseTo(20 / 147, 10);
  });

  it('leaves squash PRs without a known open time out of cycle time, and counts them', async () => {
    const t = await query('effectiveness.cycle_time');
    // #1 (day 9→10), #3 (27→30), #4 (32→33), #7 (74→75) have an open time; #2, #5, #6 do not.
    expect(t.rows[0]?.values).toMatchObject({ prs: 4, unknown_open_prs: 3, median_hours: 24 });
  });

  it('checks churn only inside --rework-window; a revert counts however old', async () => {
    // The tip is day 75: a 30-day window starts at day 45, after #4's churn (day 33). Inside it, #6 is the
    // squash revert and #7 rewrites 15 old lines; the revert is not measured for churn.
    const db = { MILEAGE_DB: join(repo.dir, '.mileage', 'window.duckdb') };
    const r = await mileage(['ingest', 'git', '--json', '--rework-window', '30d'], {
      cwd: repo.dir,
      env: db,
    });
    expect(r.code, r.stderr).toBe(0);
    const line = (JSON.parse(r.stdout) as { repositories: RepoLine[] }).repositories[0];
    expect(line).toMatchObject({ units: 9, prs: 7, rework: 1 });
    const q = await mileage(['query', 'quality.churn_share', '--json', ...WINDOW], {
      cwd: repo.dir,
      env: db,
    });
    expect(q.code, q.stderr).toBe(0);
    expect((JSON.parse(q.stdout) as Table).rows[0]?.values).toMatchObject({
      young_lines: 0,
      changed_lines: 15,
      units: 1,
    });
  });

  it('prints the direct pushes on their own line', async () => {
    const r = await mileage(['ingest', 'git'], { cwd: repo.dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('0 merged PRs');
    expect(r.stdout).toMatch(/up-to-date/);
  });

  it('a repository declared trunk-based counts its direct pushes as delivered units', async () => {
    const config = join(repo.dir, 'mileage.yaml');
    writeFileSync(config, `org: acme\ndelivery:\n  trunk_based: [${JSON.stringify(repo.dir)}]\n`);
    const r = await mileage(['ingest', 'git', '--config', config, '--json'], { cwd: repo.dir, env });
    expect(r.code, r.stderr).toBe(0);
    const t = await query('effectiveness.ai_assisted_share', ['--config', config]);
    expect(t.rows[0]?.values).toMatchObject({ prs: 9, pr_share: 4 / 9 });
    // Declared no more: the direct pushes leave the merged PRs again.
    writeFileSync(config, `org: acme\n`);
    const back = await mileage(['ingest', 'git', '--config', config], { cwd: repo.dir, env });
    expect(back.code, back.stderr).toBe(0);
    const again = await query('effectiveness.ai_assisted_share', ['--config', config]);
    expect(again.rows[0]?.values).toMatchObject({ prs: 7 });
  });
});

describe('ingest git with one unreadable object', () => {
  const broken = new ScriptedRepo('mileage-e2e-broken-');
  afterAll(() => broken.cleanup());

  it('skips that unit with a warning naming the object and the commit, stores the others and the cursor', async () => {
    broken.write('src/a.ts', lines('a', 10));
    broken.commit('feat: a (#1)', 0, { committer: GITHUB });
    broken.write('src/b.ts', lines('b', 10));
    const bad = broken.commit('feat: b (#2)', 1, { committer: GITHUB });
    const blob = broken.git(['rev-parse', `${bad}:src/b.ts`]);
    broken.write('src/c.ts', lines('c', 10));
    broken.commit('feat: c (#3)', 2, { committer: GITHUB });
    // The blob only #2 added goes missing, as in a damaged clone or a mirror without its largest files.
    rmSync(join(broken.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    // (git would read an unchanged checked-out file instead of the blob)
    writeFileSync(join(broken.dir, 'src', 'b.ts'), 'edited since\n');
    const db = { MILEAGE_DB: join(broken.dir, '.mileage', 'm.duckdb') };

    const r = await mileage(['ingest', 'git', '--json'], { cwd: broken.dir, env: db });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`skipped the unit of commit ${bad}: git cannot read object ${blob}`);
    const repoLine = (JSON.parse(r.stdout) as { repositories: (RepoLine & { walk: string })[] })
      .repositories[0];
    expect(repoLine).toMatchObject({ units: 2, prs: 2 });
    const again = await mileage(['ingest', 'git', '--json'], { cwd: broken.dir, env: db });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ repositories: [{ walk: 'up-to-date' }] });
  });
});
