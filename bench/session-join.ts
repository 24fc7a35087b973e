import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRng } from '../src/demo/rng.js';
import { DEFAULT_BRANCH_NAMES } from '../src/domain/attribution.js';
import { openStore } from '../src/store/open.js';

/**
 * Issue 17's bar for the session → PR join on a real repository: with PR refs present, the share of agent
 * sessions recorded on a PR's branch that join that PR.
 *
 * The repository is real (MILEAGE_BENCH_JOIN_REPO: a mirror with `refs/pull/N/head`, e.g. of
 * github.com/steveyegge/beads); the agent sessions are scripted, because no public repository publishes its
 * engineers' transcripts: each is placed on a real PR's real head branch at a real time, and the truth —
 * which PR each belongs to — is computed here from plain `git log`, not from Mileage's code:
 *
 * - the PRs whose head branch git records are the merge commits `Merge pull request #N from owner/branch`
 *   on the first-parent chain; their branch commits are `merge^2` not reachable from `merge^1`;
 * - per PR with a `refs/pull/N/head` ref: a session before its first commit (the agent wrote the code, the
 *   engineer committed later; never before the previous PR merged from that branch name), one between its
 *   first commit and its merge, and one in the last minutes before its merge — each belongs to PR N;
 * - controls: a session on the default branch (belongs to no PR) and one on the branch after the merge
 *   (belongs to the next PR merged from that branch name, or none).
 *
 * Everything runs as a user would: the mirror is cloned to a local "upstream"; the engineer's checkout (the
 * sessions' cwd) and the CI clone `ingest git` reads are clones of it, so `origin` is a local path on both
 * sides; the CI clone fetches the PR refs (`ingest git --fetch-pr-refs`). Then `mileage ingest git` and `mileage ingest claude-code`
 * through the built CLI, and the joins are read back from the store.
 */
const CLI = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const HOUR = 3600;

interface Pr {
  number: string;
  branch: string;
  merge: string;
  mergedAt: number;
  firstCommitAt: number;
  /** A squash merge whose head branch still exists (its tip is the PR's head). */
  squash: boolean;
}

interface Session {
  id: string;
  branch: string;
  at: number;
  /** The PR number it belongs to (the truth), or null. */
  pr: string | null;
  kind: 'before' | 'during' | 'at-merge' | 'default-branch' | 'after-merge';
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
}

function mileage(args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NO_COLOR: '1', ...env },
    maxBuffer: 1 << 28,
  });
}

/** Merged PRs whose head branch git records, with their real times, from plain `git log`. */
function prsFromGit(repo: string, branch: string): Pr[] {
  const pulls = new Set(
    git(repo, ['for-each-ref', '--format=%(refname)', 'refs/pull'])
      .split('\n')
      .map((r) => /^refs\/pull\/(\d+)\/head$/.exec(r)?.[1])
      .filter((n): n is string => n !== undefined),
  );
  const prs: Pr[] = [];
  for (const line of git(repo, ['log', '--first-parent', '--merges', '--format=%H %ct %s', branch]).split(
    '\n',
  )) {
    const m = /^(\w+) (\d+) Merge pull request #(\d+) from [^/\s]+\/(\S+)/.exec(line);
    if (!m || !pulls.has(m[3] ?? '')) continue;
    const [, merge = '', at = '0', number = '', head = ''] = m;
    const times = git(repo, ['log', '--format=%at', `${merge}^2`, `^${merge}^1`])
      .split('\n')
      .filter(Boolean)
      .map(Number);
    if (times.length === 0) continue;
    prs.push({
      number,
      branch: head,
      merge,
      mergedAt: Number(at),
      firstCommitAt: Math.min(...times),
      squash: false,
    });
  }
  // Squash merges record no branch; where the branch still exists and points at the PR's head (the same
  // commit as refs/pull/N/head), that is its name.
  const heads = new Map<string, string>();
  for (const line of git(repo, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads']).split(
    '\n',
  )) {
    const [sha = '', ref = ''] = line.split(' ');
    if (ref) heads.set(sha, ref.replace(/^refs\/heads\//, ''));
  }
  const pullTips = new Map<string, string>();
  for (const line of git(repo, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/pull']).split(
    '\n',
  )) {
    const [sha = '', ref = ''] = line.split(' ');
    const n = /^refs\/pull\/(\d+)\/head$/.exec(ref)?.[1];
    if (n) pullTips.set(n, sha);
  }
  for (const line of git(repo, ['log', '--first-parent', '--no-merges', '--format=%H %ct %s', branch]).split(
    '\n',
  )) {
    const m = /^(\w+) (\d+) .* \(#(\d+)\)$/.exec(line);
    const tip = m ? pullTips.get(m[3] ?? '') : undefined;
    const head = tip ? heads.get(tip) : undefined;
    if (!m || !tip || !head || head === branch) continue;
    const times = git(repo, ['log', '--format=%at', tip, `^${m[1]}^1`])
      .split('\n')
      .filter(Boolean)
      .map(Number);
    if (times.length === 0) continue;
    prs.push({
      number: m[3] ?? '',
      branch: head,
      merge: m[1] ?? '',
      mergedAt: Number(m[2]),
      firstCommitAt: Math.min(...times),
      squash: true,
    });
  }
  return prs.sort((a, b) => a.mergedAt - b.mergedAt);
}

const isDefaultName = (branch: string) =>
  (DEFAULT_BRANCH_NAMES as readonly string[]).includes(branch.toLowerCase());

function scriptSessions(prs: Pr[], defaultBranch: string, seed: number): Session[] {
  const rng = makeRng(seed);
  const sessions: Session[] = [];
  const byBranch = new Map<string, Pr[]>();
  for (const p of prs) byBranch.set(p.branch, [...(byBranch.get(p.branch) ?? []), p]);
  for (const p of prs) {
    const same = byBranch.get(p.branch) ?? [];
    const previous = same.filter((q) => q.mergedAt < p.mergedAt).at(-1)?.mergedAt ?? -Infinity;
    const next = same.find((q) => q.mergedAt > p.mergedAt) ?? null;
    const open = Math.min(p.firstCommitAt, p.mergedAt);
    const before = Math.max(previous + 60, open - Math.round(rng.between(1, 24) * HOUR));
    const add = (kind: Session['kind'], branch: string, at: number, pr: string | null) =>
      sessions.push({ id: `${p.number}-${kind}`, branch, at, pr, kind });
    if (before < open) add('before', p.branch, before, p.number);
    const from = Math.max(open, previous + 60);
    if (p.mergedAt - from > 120)
      add('during', p.branch, from + Math.round(rng.next() * (p.mergedAt - from - 60)), p.number);
    add('at-merge', p.branch, p.mergedAt - 60, p.number);
    add('default-branch', defaultBranch, open + 30, null);
    const after = p.mergedAt + Math.round(rng.between(1, 6) * HOUR);
    const truth = next && next.mergedAt >= after && !isDefaultName(p.branch) ? next.number : null;
    add('after-merge', p.branch, after, truth);
  }
  return sessions;
}

function transcript(s: Session, cwd: string): string {
  return `${JSON.stringify({
    type: 'assistant',
    sessionId: `bench-${s.id}`,
    requestId: `req_${s.id}`,
    timestamp: new Date(s.at * 1000).toISOString(),
    cwd,
    gitBranch: s.branch,
    costUSD: 0.01,
    message: {
      id: `msg_${s.id}`,
      model: 'claude-sonnet-4-5',
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
        output_tokens: 20,
      },
    },
  })}\n`;
}

export async function benchSessionJoin(): Promise<void> {
  const mirror = process.env.MILEAGE_BENCH_JOIN_REPO;
  if (!mirror) {
    console.log(
      'skipped: set MILEAGE_BENCH_JOIN_REPO to a mirror with PR refs (`git clone --mirror https://github.com/steveyegge/beads`)',
    );
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'mileage-bench-join-'));
  try {
    const upstream = join(root, 'upstream.git');
    const work = join(root, 'work');
    const ci = join(root, 'ci');
    // The snapshot may lack a few objects (git would refuse to pack them): the clones borrow its objects
    // (`--shared`, alternates) and copy refs, so nothing is packed or sent. The CI clone's PR refs are
    // written as `git fetch origin '+refs/pull/*/head:refs/remotes/origin/pr/*'` would write them.
    git(root, ['init', '-q', '--bare', upstream]);
    writeFileSync(join(upstream, 'objects', 'info', 'alternates'), `${join(mirror, 'objects')}\n`);
    const refs = git(mirror, ['for-each-ref', '--format=%(objectname) %(refname)'])
      .split('\n')
      .filter((l) => / refs\/(heads|pull)\//.test(l));
    const updates = (prefix: (ref: string) => string | null) =>
      refs
        .map((l) => {
          const [sha = '', ref = ''] = l.split(' ');
          const to = prefix(ref);
          return to ? `update ${to} ${sha}\n` : '';
        })
        .join('');
    execFileSync('git', ['update-ref', '--stdin'], { cwd: upstream, input: updates((r) => r) });
    git(upstream, ['symbolic-ref', 'HEAD', git(mirror, ['symbolic-ref', 'HEAD']).trim()]);
    for (const clone of [work, ci]) git(root, ['clone', '-q', '--shared', '--no-checkout', upstream, clone]);
    // The CI clone gets the PR refs as a user would: `ingest git --fetch-pr-refs` (the upstream is a local
    // path, so the forge is named). MILEAGE_BENCH_JOIN_WRITE_REFS=1 writes them with update-ref instead, for
    // a snapshot that lacks objects git would refuse to send.
    const writeRefs = process.env.MILEAGE_BENCH_JOIN_WRITE_REFS === '1';
    if (writeRefs)
      execFileSync('git', ['update-ref', '--stdin'], {
        cwd: ci,
        input: updates((r) => {
          const n = /^refs\/pull\/(\d+)\/head$/.exec(r)?.[1];
          return n ? `refs/remotes/origin/pr/${n}` : null;
        }),
      });
    const defaultBranch = git(upstream, ['symbolic-ref', '--short', 'HEAD']).trim();
    const prs = prsFromGit(upstream, defaultBranch);
    const sessions = scriptSessions(prs, defaultBranch, 17);
    const home = join(root, 'claude');
    const project = join(home, 'projects', '-work');
    mkdirSync(project, { recursive: true });
    for (const s of sessions) writeFileSync(join(project, `bench-${s.id}.jsonl`), transcript(s, work));

    const db = join(root, 'join.duckdb');
    let t = performance.now();
    mileage(
      [
        'ingest',
        'git',
        ci,
        '--db',
        db,
        '--rework-window',
        '0',
        ...(writeRefs ? [] : ['--fetch-pr-refs', '--forge', 'github']),
      ],
      {},
    );
    const gitSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    mileage(['ingest', 'claude-code', home, '--db', db], { CLAUDE_CONFIG_DIR: home });
    const logSeconds = (performance.now() - t) / 1000;

    const store = await openStore(db);
    const joined = new Map<string, string>();
    let keys: string[] = [];
    try {
      for (const r of await store.query(
        `SELECT u.session_id AS session, o.ref FROM pr_sessions ps JOIN usage u ON u.id = ps.record_id
         JOIN outcomes o ON o.id = ps.pr_id`,
      ))
        joined.set(String(r.session).replace(/^bench-/, ''), String(r.ref));
      keys = (
        await store.query('SELECT DISTINCT repo FROM outcomes UNION SELECT DISTINCT repo FROM cwd_repos')
      ).map((r) => String(r.repo));
    } finally {
      await store.close();
    }

    const onPr = sessions.filter((s) => s.kind === 'before' || s.kind === 'during' || s.kind === 'at-merge');
    const right = onPr.filter((s) => joined.get(s.id) === s.pr);
    const controls = sessions.filter((s) => !onPr.includes(s));
    const controlsRight = controls.filter((s) => (joined.get(s.id) ?? null) === s.pr);
    const pct = (n: number, d: number) => `${d === 0 ? '—' : ((n / d) * 100).toFixed(1)}%`;
    const squashes = prs.filter((p) => p.squash).length;
    console.log(
      `${mirror}: ${prs.length} merged PRs with a known head branch and refs/pull/N/head (${prs.length - squashes} merge commits naming the branch, ${squashes} squash merges whose branch still points at the PR's head)`,
    );
    console.log(`repository keys in the store: ${keys.join(', ')} (one: the git and agent sides meet)`);
    const fetched = git(ci, ['for-each-ref', '--format=%(refname)', 'refs/remotes/origin/pr'])
      .split('\n')
      .filter(Boolean).length;
    console.log(
      `PR refs in the CI clone: ${fetched} refs/remotes/origin/pr/* (${writeRefs ? 'written with update-ref' : 'fetched by ingest git --fetch-pr-refs'})`,
    );
    console.log(`ingest git ${gitSeconds.toFixed(1)} s, ingest claude-code ${logSeconds.toFixed(1)} s`);
    for (const kind of ['before', 'during', 'at-merge'] as const) {
      const of = onPr.filter((s) => s.kind === kind);
      console.log(
        `  sessions ${kind.padEnd(9)} on a PR's branch: ${of.filter((s) => joined.get(s.id) === s.pr).length}/${of.length} joined their PR`,
      );
    }
    console.log(
      `sessions recorded on a PR's branch that join that PR: ${right.length}/${onPr.length} = ${pct(right.length, onPr.length)} (bar: ≥ 90%)`,
    );
    console.log(
      `controls (default branch; after the merge → the next PR of that branch name or none): ${controlsRight.length}/${controls.length} = ${pct(controlsRight.length, controls.length)} as expected`,
    );
    // A fork's PR from its own `main` names a default branch: the rule joins no session by such a name
    // (DESIGN.md), and the contributor's sessions would name their fork's repository anyway.
    const named = onPr.filter((s) => !isDefaultName(s.branch));
    const namedRight = named.filter((s) => joined.get(s.id) === s.pr);
    console.log(
      `  of them on a PR whose head is not a default-branch name (${onPr.length - named.length} sessions are on fork PRs from main/master): ${namedRight.length}/${named.length} = ${pct(namedRight.length, named.length)}`,
    );
    const misses = [
      ...named.filter((s) => joined.get(s.id) !== s.pr).slice(0, 8),
      ...controls.filter((s) => (joined.get(s.id) ?? null) !== s.pr).slice(0, 8),
    ];
    for (const s of misses)
      console.log(
        `  miss: session ${s.id} on ${s.branch} at ${new Date(s.at * 1000).toISOString()} → ${joined.get(s.id) ?? 'no PR'}`,
      );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
