/**
 * The report's terms of art, explained where they first appear (under the table that introduces them), so a
 * manager reading the report for the first time needs no glossary.
 */
export const PLAIN_WORDS = {
  'delivery points':
    'merged work weighted by its size (the ticket estimate where there is one, else a size model of the change), so a large change counts more than a one-line fix',
  'tokens per $':
    'how many tokens each dollar bought; more means cheaper per token, fewer means a pricier model or less caching',
  'cache-read share':
    'the share of tokens read back from the prompt cache, which costs about a tenth of fresh input',
} as const;

export type Term = keyof typeof PLAIN_WORDS;

/** "Delivery points: merged work weighted by …." — one sentence per term. */
export function explain(terms: readonly Term[]): string[] {
  return terms.map((t) => `${t.charAt(0).toUpperCase()}${t.slice(1)}: ${PLAIN_WORDS[t]}.`);
}
