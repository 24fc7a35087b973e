import { execFileSync } from 'node:child_process';

/**
 * The plain-git truth the real-repository comparison (git-real-repos.ts) checks Mileage against, written
 * apart from src/ on purpose: nothing here imports Mileage. It reads `git log --first-parent` of the branch
 * and applies the rules a reviewer would apply by eye:
 * - a merge commit is one PR; its work is `git log parent1..parent2`;
 * - consecutive commits the forge committed (`noreply@github.com`) in the same second are one PR (a rebase
 *   merge); any other commit is one unit, a PR when its subject ends in ` (#N)` (or names a GitLab merge
 *   request) or the forge committed it, else a direct push — a PR needs evidence of one in git;
 * - a unit is AI-marked when any of its commits (branch commits for merges) has an AI attribution line —
 *   `Co-authored-by:` naming an AI tool by name or address, `Assisted-by:`, `Generated with [Claude Code|Amp|Devin]`,
 *   or an AI tool as author;
 * - a unit is a revert when its subject (a merge: its PR title) starts with `Revert "` or `revert:`, or its
 *   own commit says `This reverts commit`.
 * When the clone holds the forge's PR head refs (`refs/pull/N/head`, as a fetch of GitHub's pull refs
 * writes them), membership comes from them instead, whoever committed:
 * a rebase merge rewrites each branch commit's sha and committer but keeps its author, author time and
 * message, so a first-parent commit whose (author email, author time, subject) is a commit of PR N's head
 * belongs to PR N, and consecutive commits of the same PR are one unit. A commit of no PR head falls back to
 * the rules above (a squash's own author time is the merge time, so squashes never match a head).
 */
export interface TruthUnit {
  /** The unit's last first-parent commit. */
  sha: string;
  kind: 'pr' | 'direct_push';
  ai: boolean;
  revert: boolean;
  subject: string;
}

const SEP = '\x1e';
const FIELD = '\x1f';

const AI_LINE =
  /^co-authored-by:.*\b(claude|copilot|cursor|amp|ampcode|codex|openai|aider|devin|gemini|windsurf|codeium)\b|^assisted-by:|generated with \[?(claude code|amp|devin)|^claude-session:/im;
const AI_AUTHOR =
  /copilot|devin-ai|cursoragent|claude\[bot\]|claude@anthropic|\(aider\)|gemini-code-assist|codex/i;

function git(repo: string, args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 30 });
}

interface Commit {
  sha: string;
  parents: string[];
  ce: string;
  ct: string;
  at: string;
  an: string;
  ae: string;
  message: string;
}

function commits(repo: string, args: string[]): Commit[] {
  const out = git(repo, [
    'log',
    `--format=${SEP}%H${FIELD}%P${FIELD}%ce${FIELD}%ct${FIELD}%at${FIELD}%an${FIELD}%ae${FIELD}%B`,
    ...args,
  ]);
  return out
    .split(SEP)
    .filter((r) => r.trim() !== '')
    .map((r) => {
      const [sha = '', parents = '', ce = '', ct = '', at = '', an = '', ae = '', ...rest] = r.split(FIELD);
      return {
        sha,
        parents: parents ? parents.split(' ') : [],
        ce,
        ct,
        at,
        an,
        ae,
        message: rest.join(FIELD),
      };
    });
}

const isAi = (c: Commit) => AI_LINE.test(c.message) || AI_AUTHOR.test(`${c.an} ${c.ae}`);
const subjectOf = (m: string) => (m.split('\n')[0] ?? '').trim();
const revertSubject = (s: string) => /^revert "/i.test(s) || /^revert(\([^)]*\))?!?:/i.test(s);

const keyOf = (c: Pick<Commit, 'ae' | 'at' | 'message'>) => `${c.ae}\x1f${c.at}\x1f${subjectOf(c.message)}`;

/**
 * (author email, author time, subject) of every commit on a PR head ref that the branch does not hold
 * itself → the PR's number. A commit on several heads (stacked PRs) belongs to the lowest number, the PR
 * opened first.
 */
export function prHeadIndex(repo: string, branch: string): Map<string, string> {
  const number = new Map<string, number>();
  for (const line of git(repo, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/pull/']).split(
    '\n',
  )) {
    const m = /^([0-9a-f]+) refs\/pull\/(\d+)\/head$/.exec(line.trim());
    if (m) number.set(m[1] as string, Math.min(Number(m[2]), number.get(m[1] as string) ?? Infinity));
  }
  const index = new Map<string, string>();
  if (number.size === 0) return index;
  // Every commit only the heads have, children before parents: each takes the lowest number among the
  // heads it is reachable from, handed down from child to parent.
  const only = execFileSync(
    'git',
    [
      'log',
      '--topo-order',
      `--format=${SEP}%H${FIELD}%P${FIELD}%ce${FIELD}%ct${FIELD}%at${FIELD}%an${FIELD}%ae${FIELD}%B`,
      '--stdin',
    ],
    {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      input: [...number.keys(), `^${branch}`].join('\n') + '\n',
    },
  );
  const inherited = new Map<string, number>();
  for (const r of only.split(SEP).filter((x) => x.trim() !== '')) {
    const [sha = '', parents = '', , , at = '', , ae = '', ...rest] = r.split(FIELD);
    const n = Math.min(number.get(sha) ?? Infinity, inherited.get(sha) ?? Infinity);
    if (!Number.isFinite(n)) continue;
    const key = keyOf({ ae, at, message: rest.join(FIELD) });
    if (!index.has(key) || Number(index.get(key)) > n) index.set(key, String(n));
    for (const p of parents.split(' ').filter(Boolean))
      inherited.set(p, Math.min(n, inherited.get(p) ?? Infinity));
  }
  // A head the branch holds itself (a fast-forward) marks its own commit.
  const tips = execFileSync(
    'git',
    ['log', '--no-walk=unsorted', `--format=${SEP}%H${FIELD}%at${FIELD}%ae${FIELD}%B`, '--stdin'],
    { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 30, input: [...number.keys()].join('\n') + '\n' },
  );
  for (const r of tips.split(SEP).filter((x) => x.trim() !== '')) {
    const [sha = '', at = '', ae = '', ...rest] = r.split(FIELD);
    const key = keyOf({ ae, at, message: rest.join(FIELD) });
    if (!index.has(key)) index.set(key, String(number.get(sha)));
  }
  return index;
}

export function gitTruth(
  repo: string,
  branch: string,
  since?: string,
  prHeads?: ReadonlyMap<string, string>,
): TruthUnit[] {
  const range = since ? [`--since=${since}`] : [];
  const chain = commits(repo, ['--first-parent', ...range, branch]).reverse();
  const prOf = (c: Commit) => prHeads?.get(keyOf(c));
  const units: TruthUnit[] = [];
  let group: Commit[] = [];
  const close = () => {
    if (group.length === 0) return;
    const last = group[group.length - 1] as Commit;
    const numbered = group.some(
      (c) => /\(#\d+\)\s*$/.test(subjectOf(c.message)) || /see merge request/i.test(c.message),
    );
    const pr =
      group.length > 1 ||
      numbered ||
      prOf(last) !== undefined ||
      (last.ce === 'noreply@github.com' && last.ae !== 'noreply@github.com');
    const subject = subjectOf((group.length > 1 ? group[0] : last)?.message ?? '');
    units.push({
      sha: last.sha,
      kind: pr ? 'pr' : 'direct_push',
      ai: group.some(isAi),
      revert:
        revertSubject(subjectOf(last.message)) ||
        (group.length === 1 && /^This reverts commit/m.test(last.message)),
      subject,
    });
    group = [];
  };
  for (const c of chain) {
    if (c.parents.length >= 2) {
      close();
      const branchCommits = commits(repo, [`${c.parents[0]}..${c.parents[1]}`]);
      const lines = c.message.split('\n').map((l) => l.trim());
      const github = /^Merge pull request #\d+/.test(lines[0] ?? '');
      const title =
        github || /see merge request/i.test(c.message)
          ? (lines.slice(1).find((l) => l !== '') ?? lines[0] ?? '')
          : (lines[0] ?? '');
      units.push({
        sha: c.sha,
        kind: 'pr',
        ai: branchCommits.some(isAi) || isAi(c),
        revert: revertSubject(title),
        subject: title,
      });
      continue;
    }
    const last = group[group.length - 1];
    if (last) {
      const pr = prOf(c);
      const together = prHeads
        ? pr !== undefined && prOf(last) === pr
        : c.ce === 'noreply@github.com' && last.ce === c.ce && last.ct === c.ct;
      if (!together) close();
    }
    group.push(c);
  }
  close();
  return units;
}
