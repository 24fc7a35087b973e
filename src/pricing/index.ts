// The pricing module's public surface: list prices at event time and the org's overrides on top.
export { GENAI_PRICES_VERSION, listCatalogModels, resolveListPrice } from './catalog.js';
export { costOf, pricesFor } from './cost.js';
export { applyOverrides } from './overrides.js';
export { PriceBook } from './price-book.js';
export { genaiProviderId, sameProvider } from './provider-ids.js';
export { REPRICE_COMMAND, suggestFixes, type PriceFix, type UnpricedRow } from './unpriced.js';
