import { describe, expect, it } from 'vitest';
import { markdownText } from './markdown-text.js';

describe('markdownText', () => {
  it('leaves apostrophes and quotes as they are: no HTML entities', () => {
    expect(markdownText(`Maya's "team"`)).toBe(`Maya's "team"`);
  });

  it('makes raw HTML, emphasis, links, code, pipes and entity references literal', () => {
    expect(markdownText('<img src=x onerror=alert(1)>')).toBe('\\<img src=x onerror=alert(1)\\>');
    expect(markdownText('*a* _b_ `c` [d](e) f|g &amp; h\\i')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) f\\|g \\&amp; h\\\\i',
    );
  });

  it('keeps a value on its line', () => {
    expect(markdownText('one\ntwo\r\nthree')).toBe('one two three');
  });
});
