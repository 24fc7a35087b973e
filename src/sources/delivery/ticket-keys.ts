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
