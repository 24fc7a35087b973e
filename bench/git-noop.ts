import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestPath } from '../src/ingest/manifest.js';

const CLI = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const RUNS = Number(process.env.GIT_NOOP_RUNS ?? 5);

/** Wall seconds and CPU seconds (user + sys, from GNU time when present) of one command. */
function timed(args: string[]): { wall: number; cpu: number | null } {
  const time = '/usr/bin/time';
  const withTime = spawnSync(time, ['-f', '%U %S', '--', ...args], { encoding: 'utf8' });
  if (withTime.status === 0) {
    const [user = NaN, sys = NaN] = (withTime.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    const t = performance.now();
    execFileSync(args[0] ?? '', args.slice(1), { stdio: 'ignore' });
    return { wall: (performance.now() - t) / 1000, cpu: user + sys };
  }
  const t = performance.now();
  execFileSync(args[0] ?? '', args.slice(1), { stdio: 'ignore' });
  return { wall: (performance.now() - t) / 1000, cpu: null };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function series(label: string, args: string[], before?: () => void): void {
  const runs = Array.from({ length: RUNS }, () => {
    before?.();
    return timed(args);
  });
  const walls = runs.map((r) => r.wall);
  const cpus = runs.map((r) => r.cpu).filter((c): c is number => c !== null);
  console.log(
    `${label.padEnd(46)} wall median ${median(walls).toFixed(3)} s (${walls.map((w) => w.toFixed(2)).join(' / ')})${cpus.length ? `, CPU median ${median(cpus).toFixed(3)} s` : ''}`,
  );
}

/**
 * Issue 17's bar: a no-op `ingest git` re-run ≤ 0.3 s through the CLI. On a real clone
 * (MILEAGE_BENCH_GIT_NOOP_REPO, else the first of MILEAGE_BENCH_REAL_REPOS): a first ingest, then RUNS re-runs
 * with nothing new through the built CLI (answered from the manifest beside the store, git-manifest.ts),
 * the same re-runs with the manifest removed before each (the full path: the store opened, the cursor
 * compared, nothing written), and the floors: `node -e 0` and `mileage --version`.
 */
export function benchGitNoop(): Promise<void> {
  const repo = process.env.MILEAGE_BENCH_GIT_NOOP_REPO ?? process.env.MILEAGE_BENCH_REAL_REPOS?.split(',')[0];
  if (!repo) {
    console.log(
      'skipped: set MILEAGE_BENCH_GIT_NOOP_REPO to a clone (e.g. of anthropics/claude-code-action)',
    );
    return Promise.resolve();
  }
  const dir = mkdtempSync(join(tmpdir(), 'mileage-bench-git-noop-'));
  try {
    const db = join(dir, 'noop.duckdb');
    const node = process.execPath;
    let t = performance.now();
    const first = execFileSync(node, [CLI, 'ingest', 'git', repo, '--db', db, '--rework-window', '0'], {
      encoding: 'utf8',
    });
    console.log(
      `first ingest ${((performance.now() - t) / 1000).toFixed(1)} s: ${first.trim().split('\n').join(' | ')}`,
    );
    t = performance.now();
    execFileSync(node, [CLI, 'ingest', 'git', repo, '--db', db], { stdio: 'ignore' });
    console.log(
      `second run (full path, writes the manifest) ${((performance.now() - t) / 1000).toFixed(2)} s`,
    );
    console.log(`uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
    series('node -e 0', [node, '-e', '0']);
    series('mileage --version', [node, CLI, '--version']);
    series('ingest git, nothing new (quick path)', [node, CLI, 'ingest', 'git', repo, '--db', db]);
    series('ingest git, nothing new, manifest removed', [node, CLI, 'ingest', 'git', repo, '--db', db], () =>
      rmSync(manifestPath(db), { force: true }),
    );
    console.log('bar: ≤ 0.3 s through the CLI');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Promise.resolve();
}
