import type { AppliedPrice, PricingStore, PricingTarget, UnpricedModel } from '../db.js';
import type { DuckIo } from './io.js';
import {
  estimateSql,
  PRICING_TARGET_SQL,
  priceableSql,
  priceJoinSql,
  priceRatesJson,
  priceRatesSql,
  pricingTargetOf,
} from './price-rates.js';

/**
 * The pricing pass's writes: which (provider, model, day) keys need a list price, the estimate and cost of
 * every record of those keys, and forgetting them before a full re-price. `screen` moves stored rows out of
 * bounds aside first, so that no stored row can fail the pass (see quarantine.ts).
 */
export class DuckPricing implements PricingStore {
  constructor(
    private readonly io: DuckIo,
    private readonly screen: () => Promise<unknown>,
  ) {}

  async pricingTargets(onlyUnpriced: boolean): Promise<PricingTarget[]> {
    await this.screen();
    const rows = await this.io.query(
      `SELECT DISTINCT ${PRICING_TARGET_SQL} FROM usage
       WHERE ${priceableSql('usage')}
       ${onlyUnpriced ? "AND ((cost_basis = 'list_estimate' AND cost IS NULL) OR (cost_basis <> 'list_estimate' AND est_cost IS NULL))" : ''}`,
    );
    return rows.map(pricingTargetOf);
  }

  async applyPrices(prices: readonly AppliedPrice[]): Promise<number> {
    if (prices.length === 0) return 0;
    const io = this.io;
    return io.withTempFile('rates.jsonl', priceRatesJson(prices), async (path) => {
      await io.run(priceRatesSql(path));
      await io.run(`
        CREATE OR REPLACE TEMP TABLE priced AS
        SELECT u.id, ${estimateSql('u', 'p')} AS est, p.ref FROM usage u JOIN price_rates p ON ${priceJoinSql('u', 'p')}`);
      await io.run(`
        UPDATE usage SET est_cost = priced.est,
          cost = CASE WHEN usage.cost_basis = 'list_estimate' THEN priced.est ELSE usage.cost END,
          price_ref = CASE WHEN usage.cost_basis = 'list_estimate' THEN priced.ref ELSE usage.price_ref END
        FROM priced WHERE usage.id = priced.id`);
      const [n] = await io.query('SELECT count(*) AS n FROM priced');
      await io.run('DROP TABLE priced');
      await io.run('DROP TABLE price_rates');
      return Number(n?.n ?? 0);
    });
  }

  async clearListPrices(): Promise<void> {
    await this.io.run(`UPDATE usage SET est_cost = NULL,
      cost = CASE WHEN cost_basis = 'list_estimate' THEN NULL ELSE cost END,
      price_ref = CASE WHEN cost_basis = 'list_estimate' THEN NULL ELSE price_ref END`);
  }

  async unpricedModels(): Promise<UnpricedModel[]> {
    const rows = await this.io.query(`
      SELECT provider, model, count(*) AS records, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
        sum(cache_write_tokens) AS cache_write, sum(output_tokens) AS output
      FROM usage WHERE cost IS NULL AND model IS NOT NULL
      GROUP BY provider, model ORDER BY sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) DESC`);
    return rows.map((r) => ({
      provider: (r.provider as string | null) ?? null,
      model: String(r.model),
      records: Number(r.records),
      input: Number(r.input),
      cacheRead: Number(r.cache_read),
      cacheWrite: Number(r.cache_write),
      output: Number(r.output),
    }));
  }
}
