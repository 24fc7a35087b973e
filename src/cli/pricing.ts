import type { Repricer } from '../pricing/repricer.js';
import type { OrgDirectory } from '../domain/directory.js';
import { PriceBook } from '../pricing/price-book.js';

/** The price book for this run: list prices plus the org file's overrides. */
export function priceBookFor(directory: OrgDirectory | null): PriceBook {
  return new PriceBook(directory?.priceOverrides ?? [], directory?.priceMultipliers ?? []);
}

export function bookRepricer(book: PriceBook): Repricer {
  return (provider, model, at, tokens) => book.estimate(provider, model, at, tokens).amount;
}
