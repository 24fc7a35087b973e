import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { TokenCounts } from '../domain/usage.js';
import { PriceBook } from './price-book.js';
import { REPRICE_COMMAND, suggestFixes } from './unpriced.js';

const NOW = new Date('2026-07-02T00:00:00Z');
const tokens = (t: Partial<TokenCounts>): TokenCounts => ({
  input: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  ...t,
});

interface Snippet {
  price_overrides: Record<string, unknown>[];
}

describe('suggestFixes', () => {
  const book = new PriceBook([]);

  it('offers the near model name and a snippet prefilled with its prices', () => {
    const [fix] = suggestFixes(
      [
        {
          provider: 'anthropic',
          model: 'claude-sonet-4-6',
          tokens: tokens({ input: 10, cacheRead: 90, output: 5 }),
          records: 7,
        },
      ],
      book,
      NOW,
    );
    expect(fix?.nearest[0]).toBe('claude-sonnet-4-6');
    expect(fix?.records).toBe(7);
    expect(fix?.command).toBe(REPRICE_COMMAND);
    expect(fix?.yamlSnippet).toContain('input_per_mtok: 3.00   # list price of claude-sonnet-4-6 today');
    const parsed = parse(fix!.yamlSnippet) as Snippet;
    expect(parsed.price_overrides[0]).toEqual({
      model: 'claude-sonet-4-6',
      provider: 'anthropic',
      input_per_mtok: 3,
      output_per_mtok: 15,
      cache_read_per_mtok: 0.3,
    });
  });

  it('leaves prices to fill in when nothing is near, and quotes ids YAML would misread', () => {
    const [acme, odd] = suggestFixes(
      [
        {
          provider: 'self-hosted',
          model: 'acme-support-ft-v3',
          tokens: tokens({ input: 10, cacheWrite: 3 }),
          records: 1,
        },
        { provider: null, model: 'ft:acme: v2', tokens: tokens({ input: 1 }), records: 1 },
      ],
      book,
      NOW,
    );
    expect(acme?.nearest).toEqual([]);
    const parsed = parse(acme!.yamlSnippet) as Snippet;
    expect(parsed.price_overrides[0]).toEqual({
      model: 'acme-support-ft-v3',
      provider: 'self-hosted',
      input_per_mtok: null,
      output_per_mtok: null,
      cache_write_per_mtok: null,
    });
    expect((parse(odd!.yamlSnippet) as Snippet).price_overrides[0]?.['model']).toBe('ft:acme: v2');
  });
});
