/** A Jira-style issue key: project key (a capital, then capitals or digits), a dash, a number. */
const TICKET_KEY = /(?<![A-Za-z0-9])([A-Z][A-Z0-9]+)-(\d+)(?![A-Za-z0-9])/g;

/** Words shaped like keys that are standards and versions, not tickets: `UTF-8`, `SHA-256`, `CVE-2026`. */
const NOT_PROJECTS: ReadonlySet<string> = new Set([
  'AES',
  'CVE',
  'ES',
  'GPT',
  'HTTP',
  'ISO',
  'MD',
  'PEP',
  'RFC',
  'SHA',
  'TLS',
  'UTF',
  'WCAG',
]);

/**
 * The ticket keys named in PR/MR titles and branch names (`BILL-231 Invoice export`, `feat/BILL-231-pdf`),
 * each once, in order. Only the keys are kept, never the text they came from.
 */
export function ticketKeys(...texts: string[]): string[] {
  const keys = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(TICKET_KEY)) {
      if (!NOT_PROJECTS.has(m[1] ?? '')) keys.add(m[0]);
    }
  }
  return [...keys];
}

/** `Fixes BILL-7`, `closes: OPS-3, OPS-4`, `Resolved BILL-9 and BILL-10`: a keyword, then keys. */
const CLOSING =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+([A-Z][A-Z0-9]+-\d+(?:(?:\s*,\s*|\s+and\s+)[A-Z][A-Z0-9]+-\d+)*)/gi;

const NONE: readonly string[] = Object.freeze([]);

/**
 * Ticket keys named by closing references in a commit or PR message (GitHub's and GitLab's keywords, with
 * Jira- or Linear-style keys), each once, in order. Most messages have none: they share one empty array.
 */
export function closingKeys(message: string): readonly string[] {
  if (!/\b(?:close|fix|resolve)/i.test(message)) return NONE;
  const keys = new Set<string>();
  for (const m of message.matchAll(CLOSING)) for (const k of ticketKeys(m[1] ?? '')) keys.add(k);
  return keys.size === 0 ? NONE : [...keys];
}

/**
 * A GitHub issue or PR as a ticket link: `owner/repo#number`, the repository in lower case (GitHub's names
 * are case-insensitive), so a PR's closing reference and the GitHub Issues ticket it closes meet.
 */
export function githubIssueRef(nameWithOwner: string, number: number): string {
  return `${nameWithOwner.toLowerCase()}#${number}`;
}
