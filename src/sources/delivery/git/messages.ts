/**
 * What a commit message says about the work it merged: the PR/MR number, the head branch, the title, and
 * whether it reverts something. Titles and bodies are read here and never stored.
 */
export interface MergeMessage {
  /** PR or MR number as written (`418`), or null. */
  ref: string | null;
  headBranch: string | null;
  /** The PR/MR title where the message carries it, else the subject. */
  title: string;
}

function lines(message: string): { subject: string; body: string[] } {
  const all = message.replace(/\r\n/g, '\n').split('\n');
  return { subject: (all[0] ?? '').trim(), body: all.slice(1).map((l) => l.trim()) };
}

/** The first body line that is not blank, a trailer-ish GitLab footer or a topic list (`* ab/topic:`). */
function firstBodyLine(body: string[]): string | null {
  for (const line of body) {
    if (line === '') continue;
    if (/^see merge request /i.test(line) || /^\* /.test(line)) return null;
    return line;
  }
  return null;
}

/** `origin/feat/x` → `feat/x` for remote-tracking merges. */
function stripRemote(branch: string, remoteTracking: boolean): string {
  return remoteTracking ? branch.replace(/^[^/]+\//, '') : branch;
}

/**
 * A merge commit's message:
 * - GitHub: `Merge pull request #418 from ana/feat/pdf`, the PR title on the first body line;
 * - GitLab: `Merge branch 'feat/pdf' into 'main'`, the MR title, then `See merge request acme/billing!77`;
 * - plain git: `Merge branch 'ab/topic'`, `Merge remote-tracking branch 'origin/x'`, `Merge branch 'x' of url`.
 */
export function parseMergeMessage(message: string): MergeMessage {
  const { subject, body } = lines(message);
  const gitlab = /see merge request \S*!(\d+)/i.exec(message);
  const github = /^Merge pull request #(\d+) from (\S+)/.exec(subject);
  if (github) {
    const [, ref = '', from = ''] = github;
    const slash = from.indexOf('/');
    return {
      ref,
      headBranch: slash >= 0 ? from.slice(slash + 1) : from,
      title: firstBodyLine(body) ?? subject,
    };
  }
  const branch = /^Merge (remote-tracking )?branch(?:es)? '([^']+)'/.exec(subject);
  const headBranch = branch ? stripRemote(branch[2] ?? '', branch[1] !== undefined) : null;
  if (gitlab) return { ref: gitlab[1] ?? null, headBranch, title: firstBodyLine(body) ?? subject };
  return { ref: null, headBranch, title: subject };
}

/** A single commit on the default branch: a squash merge carries ` (#418)` at the end of its subject. */
export function parseCommitMessage(message: string): MergeMessage {
  const { subject } = lines(message);
  const squash = /\s\(#(\d+)\)$/.exec(subject);
  const gitlab = /see merge request \S*!(\d+)/i.exec(message);
  return { ref: squash?.[1] ?? gitlab?.[1] ?? null, headBranch: null, title: subject };
}

/**
 * What a title says it reverts, as `"<reverted title>"`, or null:
 * - git's and GitLab's `Revert "Add thing"`, and GitHub's squash of a revert PR, which suffixes the number:
 *   `Revert "Add thing (#2)" (#4)` (quotes nest: `Revert "Revert "X""` reverts a revert);
 * - Conventional Commits' `revert: add thing` / `revert(api): add thing`.
 */
export function revertOfTitle(title: string): string | null {
  const quoted = /^Revert "(.*)"(?:\s+\(#\d+\))?\s*$/.exec(title.trim());
  if (quoted) return `"${quoted[1] ?? ''}"`;
  const conventional = /^revert(?:\([^)]*\))?!?:\s*(.+?)(?:\s+\(#\d+\))?\s*$/i.exec(title.trim());
  return conventional ? `"${(conventional[1] ?? '').replace(/^"(.*)"$/, '$1')}"` : null;
}

/**
 * What a commit reverts, from the strongest evidence in its message: the sha of git's (and GitLab's)
 * `This reverts commit <sha>.` line; the PR of GitHub's revert-PR body `Reverts owner/repo#2` (as `#2`);
 * else the title a revert subject quotes (revertOfTitle). Null when it is no revert.
 */
export function revertOf(message: string): string | null {
  const sha = /^This reverts commit ([0-9a-f]{7,64})\b/im.exec(message);
  if (sha) return sha[1] ?? null;
  const pr = /^Reverts (?:[\w.-]+\/[\w.-]+)?#(\d+)\s*$/im.exec(message);
  if (pr) return `#${pr[1] ?? ''}`;
  return revertOfTitle(lines(message).subject);
}

/** The first line of a message. */
export function subjectOf(message: string): string {
  return lines(message).subject;
}
