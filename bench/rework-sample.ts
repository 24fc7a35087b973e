import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { openRepo, readMergedWork } from '../src/sources/delivery/git/index.js';

/**
 * Writes the extract the rework-label test reads (test/fixtures/rework-labels/): for each merged PR of a
 * real repository in a commit range, its message as git holds it and the line counts `ingest git` measured
 * (lines changed, young lines rewritten). Labels are added by hand afterwards. Usage:
 *   npx tsx bench/rework-sample.ts CLONE SINCE_DAY OUT.json
 */
const [path, since, out] = process.argv.slice(2);
if (!path || !since || !out) {
  console.error('usage: tsx bench/rework-sample.ts CLONE SINCE_DAY OUT.json');
  process.exit(2);
}
const repo = await openRepo(path);
const { records } = await readMergedWork(repo, { reworkWindowDays: 400 });
const byId = new Map(records.map((r) => [r.id, r]));
const shas = execFileSync('git', ['rev-list', '--first-parent', `--since=${since}`, repo.tip], {
  cwd: path,
  encoding: 'utf8',
})
  .trim()
  .split('\n')
  .reverse();
const { recordId } = await import('../src/domain/ids.js');
const rows = [];
for (const sha of shas) {
  const r = byId.get(recordId('git', repo.identity, sha));
  if (!r || r.kind !== 'pr_merged') continue;
  const message = execFileSync('git', ['log', '-1', '--format=%B', sha], {
    cwd: path,
    encoding: 'utf8',
  }).trim();
  rows.push({
    sha,
    ref: r.ref,
    unitKind: r.unitKind,
    mergedAt: r.at.toISOString(),
    message,
    changedLines: r.changedLines ?? null,
    youngLines: r.youngLines ?? null,
    mileage: r.reworkReason,
  });
}
writeFileSync(out, JSON.stringify({ repository: repo.identity, tip: repo.tip, since, prs: rows }, null, 1));
console.log(`${rows.length} merged PRs written to ${out}`);
