import { afterAll, describe, expect, it } from 'vitest';
import { ANA, lines, ScriptedRepo } from '../git-repo.js';
import { mileage } from './cli.js';

const repo = new ScriptedRepo('mileage-e2e-git-');
afterAll(() => repo.cleanup());

describe('mileage ingest git', () => {
  it('ingests merged work from the current folder, then only what is new', async () => {
    repo.write('src/a.ts', lines('a', 40));
    repo.write('package-lock.json', lines('lock', 300));
    repo.commit('feat: start (#1)\n\nCo-Authored-By: Claude <noreply@anthropic.com>', 0);
    repo.replace('src/a.ts', 1, 25, 'a2');
    repo.commit('fix: early lines (#2)', 3);
    const env = { MILEAGE_DB: `${repo.dir}/.mileage/m.duckdb` };

    const first = await mileage(['ingest', 'git', '--json'], { cwd: repo.dir, env });
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as {
      records: number;
      repositories: { units: number; aiAssisted: number; rework: number; walk: string }[];
    };
    expect(summary.records).toBe(2);
    // #2 rewrites 25 lines written 3 days earlier: churn above the 20-line minimum.
    expect(summary.repositories[0]).toMatchObject({ units: 2, aiAssisted: 1, rework: 1, walk: 'full' });

    const again = await mileage(['ingest', 'git', repo.dir], { cwd: repo.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('git: 1 file, 0 records');
    expect(again.stdout).toContain('up-to-date');

    repo.write('src/b.ts', lines('b', 5));
    repo.commit('feat: b (#3)', 40, { author: ANA });
    const third = await mileage(['ingest', 'git', '--json', '--rework-window', '0'], { cwd: repo.dir, env });
    expect(third.code, third.stderr).toBe(0);
    expect((JSON.parse(third.stdout) as { records: number; written: number }).records).toBe(1);
  });

  it('rejects a folder that is not a repository, and a bad window', async () => {
    const notRepo = await mileage(['ingest', 'git', '/'], { cwd: repo.dir, env: { MILEAGE_DB: ':memory:' } });
    expect(notRepo.code).not.toBe(0);
    expect(notRepo.stderr).toContain('is not a git repository');
    const badWindow = await mileage(['ingest', 'git', '--rework-window', 'soon'], { cwd: repo.dir });
    expect(badWindow.code).toBe(2);
    expect(badWindow.stderr).toContain('--rework-window expects');
  });
});
