import { PRICING_DIMENSION_COLUMNS, type AppliedPrice, type PricingTarget } from '../db.js';
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
  r_cw1h: RATE,
  r_ain: RATE,
  r_aout: RATE,
  r_ws: RATE,
  t_cw1h: RATE,
  t_ain: RATE,
  t_aout: RATE,
  t_ws: RATE,
  service_tier: 'VARCHAR',
  batch: 'BOOLEAN',
  inference_geo: 'VARCHAR',
  speed: 'VARCHAR',
  factor: 'DECIMAL(18,8)',
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
        r_cw1h: p.rates.cacheWrite1h ?? null,
        r_ain: p.rates.audioInput ?? null,
        r_aout: p.rates.audioOutput ?? null,
        r_ws: p.rates.webSearch ?? null,
        t_cw1h: p.tierRates?.cacheWrite1h ?? null,
        t_ain: p.tierRates?.audioInput ?? null,
        t_aout: p.tierRates?.audioOutput ?? null,
        t_ws: p.tierRates?.webSearch ?? null,
        service_tier: p.serviceTier ?? null,
        batch: p.batch ?? null,
        inference_geo: p.geo ?? null,
        speed: p.speed ?? null,
        factor: p.factor ?? '1',
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

const RATES = ['r_in', 'r_cr', 'r_cw', 'r_out', 't_in', 't_cr', 't_cw', 't_out'];

/**
 * Each rate also split for integer arithmetic (see requestEstimateSql): in units of 1e-16 USD per token,
 * `<rate>_hi` is the part in whole 1e-10 USD (the estimate's last digit) and `<rate>_lo` the rest (< 1e6).
 */
const SPLIT_RATES = RATES.map((r) => {
  const units = `CAST(${r} * 10000000000000000 AS HUGEINT)`;
  return `CAST(${units} // 1000000 AS BIGINT) AS ${r}_hi, CAST(${units} % 1000000 AS BIGINT) AS ${r}_lo`;
}).join(', ');

/** Creates `price_rates` from a file written with `priceRatesJson`. */
export function priceRatesSql(path: string): string {
  return `CREATE OR REPLACE TEMP TABLE price_rates AS SELECT *, ${SPLIT_RATES},
    greatest(${RATES.join(', ')}) < 1 AS small_rates
  FROM read_json(${sqlString(path)}, format = 'newline_delimited', columns = ${columnsSpec(PRICE_RATE_COLUMNS)})`;
}

/** A usage count column that may be NULL (rows stored before it existed): NULL counts as none. */
const n = (u: string, col: string) => `coalesce(${u}.${col}, 0)`;

/**
 * The list estimate of usage row `u` at the rates of `p` (a price_rates row), as pricing/cost.ts computes it:
 * text input (less audio), cache reads, 5-minute writes (less 1-hour ones), 1-hour writes, text output (less
 * audio), audio and web searches at their own rates, all × the factor of how the row was served. A dimension
 * the row holds but the price lacks (NULL rate) makes the whole estimate NULL: unpriced, never partly priced.
 */
export function estimateSql(u: string, p: string): string {
  const tier = (col: string) => `CASE WHEN ${longRequest(u, p)} THEN ${p}.t_${col} ELSE ${p}.r_${col} END`;
  const own = (count: string, col: string) =>
    `CASE WHEN ${count} = 0 THEN 0 ELSE ${count} * ${tier(col)} END`;
  return `CASE WHEN ${u}.context_tier = 'long' AND ${p}.tier_threshold IS NULL THEN NULL ELSE CAST((
    (${u}.input_tokens - ${n(u, 'audio_input_tokens')}) * ${tier('in')}
    + ${u}.cache_read_tokens * ${tier('cr')}
    + (${u}.cache_write_tokens - ${n(u, 'cache_write_1h_tokens')}) * ${tier('cw')}
    + ${own(n(u, 'cache_write_1h_tokens'), 'cw1h')}
    + (${u}.output_tokens - ${n(u, 'audio_output_tokens')}) * ${tier('out')}
    + ${own(n(u, 'audio_input_tokens'), 'ain')} + ${own(n(u, 'audio_output_tokens'), 'aout')}
    + ${own(n(u, 'web_search_requests'), 'ws')}
  ) * coalesce(${p}.factor, 1) AS DECIMAL(18,10)) END`;
}

/**
 * Long-context prices apply per request: a source that reports the tier (`context_tier`) is taken at its
 * word; otherwise a request is long when its input exceeds the threshold, and an aggregate (a day of usage)
 * whose tier was not reported is never one long request.
 */
function longRequest(u: string, p: string): string {
  return `${p}.tier_threshold IS NOT NULL AND CASE WHEN ${u}.context_tier = 'long' THEN true WHEN ${u}.context_tier = 'base' THEN false
    ELSE ${u}.granularity = 'request' AND ${u}.input_tokens + ${u}.cache_read_tokens + ${u}.cache_write_tokens > ${p}.tier_threshold * greatest(${u}.requests, 1) END`;
}

/**
 * `estimateSql`'s value, computed faster for requests. There the cost is not the products but rounding
 * their exact sum (scale 16, 128-bit) to the stored scale 10: DuckDB divides 128-bit integers in software,
 * about 1 µs a row. With each rate split in two (SPLIT_RATES), sum(tokens × rate) in 1e-16 USD is
 * 1e6 × sum(tokens × hi) + sum(tokens × lo), both 64-bit sums; rounded half up (all terms are non-negative)
 * to 1e-10 USD that is sum(tokens × hi) + (sum(tokens × lo) + 500000) // 1e6 — the same digits, exactly.
 * Rows where 64 bits might not hold the sums (over 100M tokens, or a rate of $1 a token or more; never a
 * real request), and rows with audio, 1-hour cache writes, web searches or a service factor, take
 * estimateSql itself.
 */
export function requestEstimateSql(u: string, p: string): string {
  const tokens = ['input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens'];
  const cols = ['in', 'cr', 'cw', 'out'];
  const sum = (part: 'hi' | 'lo') =>
    tokens
      .map(
        (t, i) =>
          `${u}.${t} * CASE WHEN ${longRequest(u, p)} THEN ${p}.t_${cols[i]}_${part} ELSE ${p}.r_${cols[i]}_${part} END`,
      )
      .join(' + ');
  const total = tokens.map((t) => `${u}.${t}`).join(' + ');
  const plain = `${n(u, 'cache_write_1h_tokens')} + ${n(u, 'audio_input_tokens')} + ${n(u, 'audio_output_tokens')} + ${n(u, 'web_search_requests')} = 0 AND coalesce(${p}.factor, 1) = 1 AND ${u}.context_tier IS NULL`;
  return `CASE WHEN ${p}.small_rates AND ${total} <= 100000000 AND ${plain}
    THEN CAST(CAST(${sum('hi')} + (${sum('lo')} + 500000) // 1000000 AS DECIMAL(18,0)) * 0.0000000001 AS DECIMAL(18,10))
    ELSE ${estimateSql(u, p)} END`;
}

/** Which price_rates row prices usage row `u`: same model and provider, rates of its UTC day. */
export function priceJoinSql(u: string, p: string): string {
  const same = PRICING_DIMENSION_COLUMNS.map((c) => ` AND ${u}.${c} IS NOT DISTINCT FROM ${p}.${c}`).join('');
  return `${u}.model = ${p}.model AND coalesce(${u}.provider, '') = coalesce(${p}.provider, '') AND CAST(${u}.start_at AS DATE) = ${p}.day${same}`;
}

/** The columns that select a price: provider, model, UTC day and how the records were served. */
export const PRICING_TARGET_SQL = `provider, model, CAST(CAST(start_at AS DATE) AS VARCHAR) AS day, ${PRICING_DIMENSION_COLUMNS.join(', ')}`;

/** A pricing target read back from PRICING_TARGET_SQL. */
export function pricingTargetOf(r: Record<string, unknown>): PricingTarget {
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    provider: text(r.provider),
    model: String(r.model),
    day: String(r.day),
    serviceTier: text(r.service_tier),
    batch: r.batch === null || r.batch === undefined ? null : r.batch === true,
    geo: text(r.inference_geo),
    speed: text(r.speed),
  };
}

/** The pricing pass's targets: a row with a model and some tokens (a row with none stays unpriced). */
export function priceableSql(u: string): string {
  return `${u}.model IS NOT NULL AND (${u}.input_tokens + ${u}.cache_read_tokens + ${u}.cache_write_tokens + ${u}.output_tokens + ${n(u, 'web_search_requests')}) > 0`;
}

/** An empty `price_rates`: nothing is priced by a join on it. */
export const EMPTY_PRICE_RATES_SQL = `CREATE OR REPLACE TEMP TABLE price_rates (${[
  ...Object.entries(PRICE_RATE_COLUMNS).map(([name, type]) => `${name} ${type}`),
  ...RATES.flatMap((r) => [`${r}_hi BIGINT`, `${r}_lo BIGINT`]),
  'small_rates BOOLEAN',
].join(', ')})`;
