/**
 * How AI-assisted commits are marked in practice (reference §9): co-author trailers, message prefixes and
 * bot authors. Checked on every commit of a PR, including the branch commits of squash merges.
 */
export interface CommitIdentity {
  message: string;
  authorName?: string | undefined;
  authorEmail?: string | undefined;
  authorLogin?: string | undefined;
}

const MARKERS = [
  {
    name: 'claude-code',
    test: (c: CommitIdentity) =>
      /co-authored-by:.*(claude|noreply@anthropic\.com)/i.test(c.message) ||
      /generated with \[?claude code/i.test(c.message),
  },
  {
    name: 'copilot',
    test: (c: CommitIdentity) =>
      /co-authored-by:.*copilot/i.test(c.message) || /^copilot(\[bot\])?$/i.test(c.authorLogin ?? ''),
  },
  {
    name: 'cursor',
    test: (c: CommitIdentity) =>
      /co-authored-by:.*cursor/i.test(c.message) || /cursoragent@cursor\.com/i.test(c.authorEmail ?? ''),
  },
  {
    name: 'codex',
    test: (c: CommitIdentity) =>
      /co-authored-by:.*codex/i.test(c.message) || /^chatgpt-codex-connector/i.test(c.authorLogin ?? ''),
  },
  {
    name: 'aider',
    test: (c: CommitIdentity) =>
      /^aider: /i.test(c.message) ||
      /co-authored-by:.*aider/i.test(c.message) ||
      /\(aider\)$/i.test(c.authorName ?? ''),
  },
  {
    name: 'devin',
    test: (c: CommitIdentity) =>
      /devin-ai-integration/i.test(c.authorLogin ?? '') || /devin-ai-integration/i.test(c.authorEmail ?? ''),
  },
] as const satisfies readonly { name: string; test: (c: CommitIdentity) => boolean }[];

/** The names of the AI tools whose markers a commit carries. */
export function detectAiMarkers(commit: CommitIdentity): string[] {
  return MARKERS.filter((m) => m.test(commit)).map((m) => m.name);
}
