import type { AppliedPrice } from '../db.js';
import { columnsSpec, sqlString } from './sql.js';

/**
 * List prices as a temp table (`price_rates`: one row per provider, model and UTC day, per-token rates in
 * exact decimal), and the estimate a usage row gets from it. The pricing pass (DuckDbStore.applyPrices) and
 * the agent-log commit, which prices requests in the statement that writes them, share both, so a request
 * priced either way gets the same estimate to the last digit.
 */
const RATE = 'DECIMAL(18,16)';

const PRICE_RATE_COLUMNS = {
  provider: 'VARCHAR',
  model: 'VARCHAR',
  day: 'DATE',
  ref: 'VARCHAR',
  r_in: RATE,
  r_cr: RATE,
  r_cw: RATE,
  r_out: RATE,
  tier_threshold: 'BIGINT',
  t_in: RATE,
  t_cr: RATE,
  t_cw: RATE,
  t_out: RATE,
};

/** The rates as JSON lines, for `priceRatesSql`. */
export function priceRatesJson(prices: readonly AppliedPrice[]): string {
  return prices
    .map((p) =>
      JSON.stringify({
        provider: p.provider,
        model: p.model,
        day: p.day,
        ref: p.ref,
        r_in: p.rates.input,
        r_cr: p.rates.cacheRead,
        r_cw: p.rates.cacheWrite,
        r_out: p.rates.output,
        tier_threshold: p.tierThreshold,
        t_in: p.tierRates?.input ?? null,
        t_cr: p.tierRates?.cacheRead ?? null,
        t_cw: p.tierRates?.cacheWrite ?? null,
        t_out: p.tierRates?.output ?? null,
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** Creates `price_rates` from a file written with `priceRatesJson`. */
export function priceRatesSql(path: string): string {
  return `CREATE OR REPLACE TEMP TABLE price_rates AS SELECT * FROM read_json(${sqlString(path)}, format = 'newline_delimited', columns = ${columnsSpec(PRICE_RATE_COLUMNS)})`;
}

/**
 * The list estimate of usage row `u` at the rates of `p` (a price_rates row). Long-context prices apply per
 * request; an aggregate (a day of usage) is never one long request.
 */
export function estimateSql(u: string, p: string): string {
  const tier = (col: string) =>
    `CASE WHEN ${p}.tier_threshold IS NOT NULL AND ${u}.granularity = 'request' AND ${u}.input_tokens + ${u}.cache_read_tokens + ${u}.cache_write_tokens > ${p}.tier_threshold * greatest(${u}.requests, 1) THEN ${p}.t_${col} ELSE ${p}.r_${col} END`;
  return `CAST(${u}.input_tokens * ${tier('in')} + ${u}.cache_read_tokens * ${tier('cr')} + ${u}.cache_write_tokens * ${tier('cw')} + ${u}.output_tokens * ${tier('out')} AS DECIMAL(18,10))`;
}

/** Which price_rates row prices usage row `u`: same model and provider, rates of its UTC day. */
export function priceJoinSql(u: string, p: string): string {
  return `${u}.model = ${p}.model AND coalesce(${u}.provider, '') = coalesce(${p}.provider, '') AND CAST(${u}.start_at AS DATE) = ${p}.day`;
}

/** The pricing pass's targets: a row with a model and some tokens (a row with none stays unpriced). */
export function priceableSql(u: string): string {
  return `${u}.model IS NOT NULL AND (${u}.input_tokens + ${u}.cache_read_tokens + ${u}.cache_write_tokens + ${u}.output_tokens) > 0`;
}

/** An empty `price_rates`: nothing is priced by a join on it. */
export const EMPTY_PRICE_RATES_SQL = `CREATE OR REPLACE TEMP TABLE price_rates (${Object.entries(PRICE_RATE_COLUMNS)
  .map(([name, type]) => `${name} ${type}`)
  .join(', ')})`;
