import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANA, DAY, lines, ScriptedRepo, T0, type Who } from '../git-repo.js';
import { mileage } from './cli.js';

/**
 * PRs a maintainer lands by rebasing them onto main and pushing (as tod-org/tod does): the landed commits
 * name the maintainer as committer, so only the PR heads (`refs/pull/N/head`) tell them from direct pushes.
 * Read through the CLI without the heads, then with them; each figure is counted from the script below.
 *
 *  day  unit                                                          kind          AI       rework
 *    0  chore: initial                                                direct push   —        —
 *    3  #1 feat/a rebased by Ana: 2 commits by Li, Copilot on one      rebase        copilot  —
 *    4  chore: tweak                                                  direct push   —        —
 *    6  #2 `fix: a drops the last item` rewrites 12 lines of #1       rebase        —        fix of recent work
 *    8  #3 `fix: restore the help text` adds lines back               rebase        —        restore
 */
const LI: Who = { name: 'Li', email: 'li@example.com' };
const COPILOT = 'Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>';

const repo = new ScriptedRepo('mileage-e2e-rebase-heads-');
const WINDOW = ['--since', '2026-01-01', '--until', '2026-07-01'];

/** A PR branch of Li's commits from main, its head kept as refs/pull/N/head, then landed by Ana's rebase. */
function rebasePr(n: number, branch: string, work: () => string[], landDay: number): void {
  repo.branch(branch);
  const commits = work();
  repo.git(['update-ref', `refs/pull/${n}/head`, commits[commits.length - 1] ?? '']);
  repo.checkout('main');
  const at = `@${Math.round(T0 + landDay * DAY)} +0000`;
  for (const sha of commits)
    repo.git(['cherry-pick', sha], {
      GIT_COMMITTER_NAME: ANA.name,
      GIT_COMMITTER_EMAIL: ANA.email,
      GIT_COMMITTER_DATE: at,
    });
  repo.checkout('HEAD');
  repo.git(['branch', '-q', '-D', branch]);
}

function script(): void {
  repo.write('src/app.ts', lines('app', 100));
  repo.commit('chore: initial', 0);
  rebasePr(
    1,
    'feat/a',
    () => {
      repo.write('src/a.ts', lines('a', 30));
      const a1 = repo.commit(`feat: a\n\n${COPILOT}`, 1, { author: LI });
      repo.write('docs/a.md', lines('a-doc', 5));
      return [a1, repo.commit('docs: a', 2, { author: LI })];
    },
    3,
  );
  repo.replace('src/app.ts', 50, 1, 'tweak');
  repo.commit('chore: tweak', 4);
  rebasePr(
    2,
    'fix/a',
    () => {
      repo.replace('src/a.ts', 19, 12, 'a-fixed');
      return [repo.commit('fix: a drops the last item', 5, { author: LI })];
    },
    6,
  );
  rebasePr(
    3,
    'fix/help',
    () => {
      repo.write('docs/help.md', lines('help', 8));
      return [repo.commit('fix: restore the help text', 7, { author: LI })];
    },
    8,
  );
}

interface RepoLine {
  units: number;
  prs: number;
  directPushes: number;
  aiAssisted: number;
  rework: number;
}

async function ingest(db: string): Promise<RepoLine> {
  const r = await mileage(['ingest', 'git', '--json'], { cwd: repo.dir, env: { MILEAGE_DB: db } });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { repositories: RepoLine[] }).repositories[0] as RepoLine;
}

async function query(db: string, metric: string): Promise<Record<string, number | string | null>> {
  const r = await mileage(['query', metric, '--json', ...WINDOW], { cwd: repo.dir, env: { MILEAGE_DB: db } });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { rows: { values: Record<string, number | string | null> }[] }).rows[0]
    ?.values as Record<string, number | string | null>;
}

const withHeads = join(repo.dir, '.mileage', 'heads.duckdb');
const withoutHeads = join(repo.dir, '.mileage', 'plain.duckdb');
let plain: RepoLine;
let heads: RepoLine;

beforeAll(async () => {
  script();
  heads = await ingest(withHeads);
  const refs = repo.git(['for-each-ref', '--format=%(refname)', 'refs/pull/']).split('\n');
  for (const ref of refs) repo.git(['update-ref', '-d', ref]);
  plain = await ingest(withoutHeads);
});
afterAll(() => repo.cleanup());

describe('rebase merges a maintainer landed, through the CLI', () => {
  it('without PR heads: every landed commit is a direct push (git alone has no evidence of a PR)', () => {
    expect(plain).toMatchObject({ units: 6, prs: 0, directPushes: 6 });
  });

  it('with PR heads: 3 PRs (both commits of #1 in one) and 2 direct pushes', () => {
    expect(heads).toMatchObject({ units: 5, prs: 3, directPushes: 2, aiAssisted: 1, rework: 2 });
  });

  it('counts AI-assisted share and the rework tax over those PRs', async () => {
    expect(await query(withHeads, 'effectiveness.ai_assisted_share')).toMatchObject({
      prs: 3,
      pr_share: 1 / 3,
    });
    const tax = await query(withHeads, 'quality.rework_tax');
    expect(tax.pr_share).toBeCloseTo(2 / 3, 10);
  });

  it('takes the open time from the PR commits: #1 opened day 1, merged day 3', async () => {
    // #1 1→3 days (48 h), #2 5→6 (24 h), #3 7→8 (24 h): median 24 h, none unknown.
    expect(await query(withHeads, 'effectiveness.cycle_time')).toMatchObject({
      prs: 3,
      unknown_open_prs: 0,
      median_hours: 24,
    });
  });
});
