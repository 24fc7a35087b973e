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
  /^co-authored-by:.*(claude|copilot|cursor|\bamp\b|ampcode|codex|openai|aider|devin|gemini|windsurf|codeium)|^assisted-by:|generated with \[?(claude code|amp|devin)|^claude-session:/im;
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
  an: string;
  ae: string;
  message: string;
}

function commits(repo: string, args: string[]): Commit[] {
  const out = git(repo, [
    'log',
    `--format=${SEP}%H${FIELD}%P${FIELD}%ce${FIELD}%ct${FIELD}%an${FIELD}%ae${FIELD}%B`,
    ...args,
  ]);
  return out
    .split(SEP)
    .filter((r) => r.trim() !== '')
    .map((r) => {
      const [sha = '', parents = '', ce = '', ct = '', an = '', ae = '', ...rest] = r.split(FIELD);
      return { sha, parents: parents ? parents.split(' ') : [], ce, ct, an, ae, message: rest.join(FIELD) };
    });
}

const isAi = (c: Commit) => AI_LINE.test(c.message) || AI_AUTHOR.test(`${c.an} ${c.ae}`);
const subjectOf = (m: string) => (m.split('\n')[0] ?? '').trim();
const revertSubject = (s: string) => /^revert "/i.test(s) || /^revert(\([^)]*\))?!?:/i.test(s);

export function gitTruth(repo: string, branch: string, since?: string): TruthUnit[] {
  const range = since ? [`--since=${since}`] : [];
  const chain = commits(repo, ['--first-parent', ...range, branch]).reverse();
  const units: TruthUnit[] = [];
  let group: Commit[] = [];
  const close = () => {
    if (group.length === 0) return;
    const last = group[group.length - 1] as Commit;
    const numbered = group.some(
      (c) => /\(#\d+\)\s*$/.test(subjectOf(c.message)) || /see merge request/i.test(c.message),
    );
    const pr =
      group.length > 1 || numbered || (last.ce === 'noreply@github.com' && last.ae !== 'noreply@github.com');
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
    if (last && !(c.ce === 'noreply@github.com' && last.ce === c.ce && last.ct === c.ct)) close();
    group.push(c);
  }
  close();
  return units;
}
