/**
 * Word counts of documents, the size unit of `doc_published` outcomes. The text is read to be counted and
 * dropped at once: no word, title or fragment of it is kept.
 */

/** A word: a run of non-space characters holding at least one letter or digit (punctuation alone is none). */
const WORD = /[\p{L}\p{N}]/u;

export function wordsInText(text: string): number {
  let n = 0;
  for (const token of text.split(/\s+/u)) if (WORD.test(token)) n++;
  return n;
}

/**
 * Words of markup (Confluence's storage format, XHTML with `ac:`/`ri:` macros): tags and entities separate
 * words, so `<p>one</p><p>two</p>` is two words and `a&nbsp;b` is two.
 */
export function wordsInMarkup(markup: string): number {
  return wordsInText(markup.replace(/<[^>]*>/g, ' ').replace(/&[#\w]+;/g, ' '));
}
