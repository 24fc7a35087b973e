import type { Usd } from '../domain/money.js';
import type { TokenPrices } from '../domain/prices.js';
import type { TokenCounts } from '../domain/usage.js';
import { nearestIds } from './edit-distance.js';
import type { PriceBook } from './price-book.js';

/** Re-prices stored records after mileage.yaml changes; printed after every suggested fix. */
export const REPRICE_COMMAND = 'mileage prices apply';

/** One group of unpriced records, as `mileage prices check` aggregates them. */
export interface UnpricedRow {
  provider: string | null;
  model: string;
  tokens: TokenCounts;
  records: number;
}

export interface PriceFix extends UnpricedRow {
  /** Known model ids with similar names, closest first: often the record's model is a typo or a new alias. */
  nearest: string[];
  /** A `price_overrides` entry for mileage.yaml, ready to paste. */
  yamlSnippet: string;
  /** What to run after editing mileage.yaml. */
  command: string;
}

/**
 * A fix for each unpriced (provider, model): the nearest known names and an override to paste. When a near
 * model exists its current prices prefill the snippet, marked as such; otherwise the prices are left `null`
 * so that the org file refuses to load until someone fills them in, rather than pricing the model at $0.
 */
export function suggestFixes(
  rows: readonly UnpricedRow[],
  book: PriceBook,
  now: Date = new Date(),
): PriceFix[] {
  const candidatesByProvider = new Map<string, string[]>();
  const candidates = (provider: string | null): string[] => {
    const key = provider ?? '';
    let list = candidatesByProvider.get(key);
    if (!list) {
      // A provider we cannot list (self-hosted, a gateway) still deserves suggestions from the main vendors.
      list = provider === null ? book.listModels() : book.listModels(provider);
      if (list.length === 0 && provider !== null) list = book.listModels();
      candidatesByProvider.set(key, list);
    }
    return list;
  };

  return rows.map((row) => {
    const nearest = nearestIds(row.model, candidates(row.provider));
    const guide = nearest[0];
    const guidePrice =
      guide === undefined ? null : (book.resolve(row.provider, guide, now) ?? book.resolve(null, guide, now));
    return {
      ...row,
      nearest,
      yamlSnippet: overrideSnippet(
        row,
        guidePrice && guide !== undefined ? { model: guide, prices: guidePrice.prices } : null,
      ),
      command: REPRICE_COMMAND,
    };
  });
}

/** Per-mtok amounts as people write them: at least two decimals (0.40, 1.60), more when the price has them. */
function amount(value: Usd): string {
  return value.decimalPlaces() < 2 ? value.toFixed(2) : value.toString();
}

/** A YAML plain scalar when it stays a string, otherwise double-quoted (JSON strings are valid YAML). */
function yamlString(value: string): string {
  const plain =
    /^[A-Za-z0-9][A-Za-z0-9._/@+-]*$/.test(value) &&
    !/^[-+]?(\d[\d_]*)?(\.\d*)?(e[-+]?\d+)?$/i.test(value) &&
    !/^\d{4}-\d{2}-\d{2}/.test(value) &&
    !/^(null|true|false|yes|no|on|off|y|n)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

/** The org-file shape of a model price override; optional lines only when the records need them. */
function overrideSnippet(row: UnpricedRow, guide: { model: string; prices: TokenPrices } | null): string {
  const price = (value: Usd | null | undefined, what: string): string =>
    value ? amount(value) : `null   # fill in: USD per million ${what}`;
  const p = guide?.prices;
  const lines = ['price_overrides:', `  - model: ${yamlString(row.model)}`];
  if (row.provider !== null) lines.push(`    provider: ${yamlString(row.provider)}`);
  lines.push(
    `    input_per_mtok: ${price(p?.inputMtok, 'input tokens')}${guide ? `   # list price of ${guide.model} today: replace with yours` : ''}`,
    `    output_per_mtok: ${price(p?.outputMtok, 'output tokens')}`,
  );
  if (row.tokens.cacheRead > 0) {
    lines.push(`    cache_read_per_mtok: ${price(p?.cacheReadMtok ?? p?.inputMtok, 'cache-read tokens')}`);
  }
  if (row.tokens.cacheWrite > 0) {
    lines.push(`    cache_write_per_mtok: ${price(p?.cacheWriteMtok ?? p?.inputMtok, 'cache-write tokens')}`);
  }
  lines.push(
    '    # from: 2026-01-01   # optional, inclusive',
    '    # until: 2026-12-31  # optional, exclusive',
  );
  return `${lines.join('\n')}\n`;
}
