import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cursorKey, ingestGit } from '../src/ingest/git.js';
import { openRepo } from '../src/sources/delivery/git/index.js';
import { openStore } from '../src/store/open.js';

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * Issue 4's bar for local git: on a large real repository (50k+ commits), a full ingest including rework
 * detection (reverts everywhere, blame-based churn for the last 6 months of merges) and the ledger and link
 * refresh that follows it, in under 60 s; an incremental re-run in under 2 s. The
 * repository is never committed: point MILEAGE_BENCH_GIT_REPO at a clone (a bare one works, read-only), e.g.
 * a mirror of github.com/git/git.
 */
export async function benchGit(): Promise<void> {
  const path = process.env.MILEAGE_BENCH_GIT_REPO;
  if (!path) {
    console.log(
      'skipped: set MILEAGE_BENCH_GIT_REPO to a clone of a large repository (50k+ commits), e.g. `git clone --bare https://github.com/git/git`',
    );
    return;
  }
  const repo = await openRepo(path);
  const count = (args: string[]) =>
    Number(execFileSync('git', ['rev-list', '--count', ...args, repo.tip], { cwd: path, encoding: 'utf8' }));
  console.log(
    `${repo.identity} (${repo.branch}): ${count([]).toLocaleString('en-US')} commits, ${count(['--first-parent']).toLocaleString('en-US')} on the first-parent chain`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'mileage-bench-git-'));
  try {
    const db = await openStore(join(dir, 'bench.duckdb'));
    // What `mileage ingest git` does: read and store the merged work, then re-derive the ledger and the
    // cross-source links (session → PR, repeated bug fixes) once.
    const ingest = async () => {
      const summary = await ingestGit(db, [path], { reworkWindowDays: 183 });
      await db.refreshLedger();
      return summary;
    };
    let t = performance.now();
    const full = await ingest();
    const fullSeconds = seconds(t);
    const r = full.repositories[0];
    const [stored] = await db.query(
      "SELECT count(*) FILTER (WHERE rework_reason LIKE 'churn%') AS churn, count(*) FILTER (WHERE rework_reason LIKE 'revert%') AS reverts FROM outcomes",
    );
    console.log(
      `full ingest:          ${fullSeconds.toFixed(1)} s   (bar: < 60 s) — ${full.records.toLocaleString('en-US')} units, ${r?.aiAssisted} AI-assisted, ${r?.rework} rework (${String(stored?.reverts)} reverts, ${String(stored?.churn)} churn), ${r?.reworkChecked} merges checked for churn (6 months)`,
    );
    t = performance.now();
    const again = await ingest();
    console.log(
      `incremental, nothing new: ${seconds(t).toFixed(2)} s   (bar: < 2 s) — ${again.records} units`,
    );
    // As if the last 20 first-parent commits had just arrived: move the cursor back and run again.
    const back = execFileSync('git', ['rev-parse', `${repo.tip}~20`], { cwd: path, encoding: 'utf8' }).trim();
    await db.setMeta(cursorKey(repo.identity), JSON.stringify({ sha: back, branch: repo.branch }));
    t = performance.now();
    const twenty = await ingest();
    console.log(
      `incremental, 20 new:  ${seconds(t).toFixed(2)} s   (bar: < 2 s) — ${twenty.records} units (churn checked: ${twenty.repositories[0]?.reworkChecked}), ${twenty.alreadyStored} already stored`,
    );
    await db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
