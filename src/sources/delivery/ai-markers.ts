/**
 * How AI-assisted commits are marked in practice (reference §9): co-author trailers, bot authors, author
 * name suffixes and message lines. Checked on every commit of a PR/MR, including the branch commits of
 * squash merges, by the GitHub, GitLab and git parsers alike. Absence of a marker is not proof of no AI
 * (users can switch attribution off), so this only ever adds evidence.
 */
export interface CommitIdentity {
  message: string;
  authorName?: string | undefined;
  authorEmail?: string | undefined;
  authorLogin?: string | undefined;
}

/**
 * A tool's markers. An identity (the commit author, or a `Co-authored-by:` trailer) matches when its
 * email, login or name matches; `message` is tested against the whole message (multiline).
 */
interface MarkerRule {
  email?: RegExp;
  login?: RegExp;
  name?: RegExp;
  message?: RegExp;
}

/** The marker table. Emails and bot logins are preferred to names: a human may well be called Claude. */
export const AI_MARKERS = {
  'claude-code': {
    // `Co-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>`; GitHub app `claude[bot]`.
    // The GitHub app as co-author: `claude[bot] <209825114+claude[bot]@users.noreply.github.com>`.
    email: /^((noreply|claude)@anthropic\.com|\d+\+claude\[bot\]@users\.noreply\.github\.com)$/i,
    login: /^claude\[bot\]$/i,
    // Older commits and PR bodies: `🤖 Generated with [Claude Code](…)`; cloud sessions: `Claude-Session:`.
    // `Assisted-by: Opus 4.6 via Claude Code` (the kernel's and jj's AI attribution trailer).
    message:
      /^\W*generated with \[?claude code\b|^claude-session:\s*https:\/\/claude\.ai\/code\/|^assisted-by:.*\bclaude\b/im,
  },
  copilot: {
    // Coding agent: `copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>`, PR author
    // `Copilot`; VS Code: `Co-authored-by: Copilot <copilot@github.com>`. Code scanning's AI fixes, applied
    // as suggestions: `Co-authored-by: Copilot Autofix powered by AI <…github-advanced-security[bot]@…>`
    // (the address alone is the scanning bot's, which also co-authors fixes no AI wrote: the name decides).
    email: /^(\d+\+copilot@users\.noreply\.github\.com|copilot@github\.com)$/i,
    login: /^(copilot|copilot-swe-agent(\[bot\])?)$/i,
    name: /^copilot autofix\b/i,
    message: /^assisted-by:.*\bcopilot\b/im,
  },
  cursor: {
    // `Co-authored-by: Cursor <cursoragent@cursor.com>`, background agent `Cursor Agent <…>`, older
    // `agent@cursor.sh`, review bot `cursor[bot]`.
    email: /^(cursoragent@cursor\.com|agent@cursor\.sh)$/i,
    login: /^cursor\[bot\]$/i,
    message: /^assisted-by:.*\bcursor\b/im,
  },
  codex: {
    // Connector bot; trailers `Codex <noreply@openai.com>` / `<codex@openai.com>` (mostly user-configured).
    email: /^(noreply|codex)@openai\.com$/i,
    login: /^chatgpt-codex-connector(\[bot\])?$/i,
    message: /^assisted-by:.*\b(codex|gpt-?\d)/im,
  },
  aider: {
    // `Co-authored-by: aider (<model>) <aider@aider.chat>`; author `Your Name (aider)`; prefix `aider: `.
    email: /^(aider|noreply)@aider\.chat$/i,
    name: /\(aider\)\s*$/i,
    message: /^aider: /i,
  },
  devin: {
    // `Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>`; `Generated with [Devin]`.
    email: /devin-ai-integration\[bot\]@users\.noreply\.github\.com$/i,
    login: /^devin-ai-integration(\[bot\])?$/i,
    message: /^\W*generated with \[?devin\b/im,
  },
  gemini: {
    // Gemini Code Assist applying review suggestions [3P].
    email: /gemini-code-assist\[bot\]@users\.noreply\.github\.com$/i,
    login: /^gemini-code-assist(\[bot\])?$/i,
    // `Assisted-by: Google Antigravity with Gemini`.
    message: /^assisted-by:.*\b(gemini|antigravity)\b/im,
  },
  jules: {
    // Google's coding agent [? seen in detector fixtures only].
    login: /^google-labs-jules(\[bot\])?$/i,
  },
  amp: {
    // Sourcegraph Amp: `Co-authored-by: Amp <amp@ampcode.com>` (beside an `Amp-Thread-ID:` trailer), and
    // `🤖 Generated with [Amp](https://ampcode.com)`.
    email: /^amp@ampcode\.com$/i,
    message: /^\W*generated with \[?amp\b|^assisted-by:.*\bamp\b/im,
  },
  windsurf: {
    // `Co-authored-by: Windsurf <noreply@codeium.com>` [? seen in detector fixtures only].
    email: /^noreply@codeium\.com$/i,
  },
} as const satisfies Record<string, MarkerRule>;

export type AiTool = keyof typeof AI_MARKERS;

/** `Co-authored-by: Name <email>` trailers (any case), in order. */
export function coAuthors(message: string): { name: string; email: string }[] {
  return [...message.matchAll(/^co-authored-by:\s*(.*?)\s*<([^>]*)>\s*$/gim)].map((m) => ({
    name: m[1] ?? '',
    email: m[2] ?? '',
  }));
}

interface Identity {
  name?: string | undefined;
  email?: string | undefined;
  login?: string | undefined;
}

function matches(rule: MarkerRule, who: Identity): boolean {
  return (
    (rule.email !== undefined && who.email !== undefined && rule.email.test(who.email.trim())) ||
    (rule.login !== undefined && who.login !== undefined && rule.login.test(who.login.trim())) ||
    (rule.name !== undefined && who.name !== undefined && rule.name.test(who.name.trim()))
  );
}

/** The AI tools whose markers a commit carries (table order, each once). */
export function detectAiMarkers(commit: CommitIdentity): AiTool[] {
  const identities: Identity[] = [
    { name: commit.authorName, email: commit.authorEmail, login: commit.authorLogin },
    ...coAuthors(commit.message),
  ];
  return (Object.entries(AI_MARKERS) as [AiTool, MarkerRule][])
    .filter(
      ([, rule]) =>
        (rule.message !== undefined && rule.message.test(commit.message)) ||
        identities.some((who) => matches(rule, who)),
    )
    .map(([tool]) => tool);
}
