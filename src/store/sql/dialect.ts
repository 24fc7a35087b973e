import type { Dialect } from '../db.js';
import { clickhouseDialect } from './clickhouse-dialect.js';
import { duckdbDialect } from './duckdb-dialect.js';

/**
 * The engine-specific pieces of Mileage's SQL, as Kysely keeps them per dialect: a statement is written once
 * and asks its dialect for the few fragments the engines spell (or compute) differently. Everything else —
 * SELECT/JOIN/GROUP BY, CASE, coalesce, window functions, `FILTER (WHERE …)`, `GROUP BY ALL` — is the same
 * text on DuckDB and ClickHouse 26.x. Each piece is checked against both real engines in dialect.test.ts.
 *
 * Pieces that differ in meaning, not only in spelling:
 * - money rescaling: DuckDB's CAST to a smaller DECIMAL scale rounds half away from zero, ClickHouse's
 *   truncates; `money` rounds first on ClickHouse so both give the same cent (and the same 10th decimal).
 * - decimal products: ClickHouse keeps the sum of the scales (10 + 10 = 20 > Decimal64's 18) and fails;
 *   `moneyTimes` multiplies at Decimal128 and rounds back.
 * - medians and quantiles: ClickHouse's `median`/`quantile` are sampled estimates; the exact, interpolating
 *   kind (DuckDB's `median`, `quantile_cont`) is `quantileExactInclusive`.
 * - outer joins: ClickHouse fills a missing right side with the type's default (0, '') unless `join_use_nulls`
 *   is set; its store sets it on every query (`sessionSettings`), so NULL means "no match" on both.
 */
export type ParamType = 'String' | 'Date' | 'Int64' | 'Float64' | 'Bool';

export interface SqlDialect {
  readonly name: Dialect;
  /** A bound parameter as a typed expression: DuckDB `$name` (cast when typed), ClickHouse `{name:Type}`. */
  param(name: string, type: ParamType): string;
  /** Exact median, interpolating between the two middle values of an even count; a DOUBLE. */
  median(expr: string): string;
  /** Exact quantile with linear interpolation (R7, Excel's PERCENTILE.INC); a DOUBLE. `q` is a literal. */
  quantile(expr: string, q: number): string;
  /** `value` on the row with the greatest `by` (tuples compare left to right: later keys break ties). */
  argMax(value: string, ...by: string[]): string;
  /** The distinct non-NULL values of `expr` as a list, in no particular order. */
  distinctList(expr: string): string;
  /**
   * The distinct non-NULL values of a text `expr`, sorted and joined by `separator` (a literal from the
   * statement's own code); NULL for a group with none.
   */
  sortedText(expr: string, separator: string): string;
  /** True when `cond` holds for any row of the group. */
  anyTrue(cond: string): string;
  /** A relation of one DATE column `day`, one row per day in [from, until): both are DATE expressions. */
  daySeries(from: string, until: string): string;
  /** The day of the week, Monday 1 to Sunday 7. */
  isoWeekday(day: string): string;
  /** The Monday of the ISO week of a DATE, as a DATE. */
  weekStart(day: string): string;
  /** The first day of the month of a DATE, as a DATE. */
  monthStart(day: string): string;
  /** The last day of the month of a DATE, as a DATE. */
  monthEnd(day: string): string;
  /** Days in the month of a DATE, an integer. */
  daysInMonth(day: string): string;
  /** An expression as money, DECIMAL(18,10), rounded half away from zero at the 10th decimal. */
  money(expr: string): string;
  /** An expression as DECIMAL(18, scale), rounded half away from zero at that scale (money is scale 10). */
  decimal(expr: string, scale: number): string;
  /** The product of two money amounts as money (rounded half away from zero at the 10th decimal). */
  moneyTimes(a: string, b: string): string;
  /** An expression as text (decimals in their shortest exact form differ by engine: compare as numbers). */
  text(expr: string): string;
  /** An expression as a DOUBLE. */
  double(expr: string): string;
  /** A DOUBLE rounded to a whole number, halves away from zero (ClickHouse's `round` of a float is banker's). */
  roundHalfAway(expr: string): string;
  /** Midnight UTC of a DATE as a timestamp (the store's UTC instant type). */
  dayStart(day: string): string;
  /** A timestamp as ISO text in UTC with milliseconds ('2026-03-01T10:00:00.000Z'); NULL stays NULL. */
  isoInstant(expr: string): string;
  /** A list of text as JSON text ('["a","b"]'); an empty or NULL list is NULL. */
  listJson(expr: string): string;
  /** A typed NULL of a catalog type, for a column a UNION branch does not have. */
  nullOf(type: 'timestamp' | 'money' | 'text' | 'date'): string;
  /** Settings every session of the engine runs with for these fragments to mean the same on both. */
  readonly sessionSettings: Readonly<Record<string, string | number>>;
}

export function dialectFor(name: Dialect): SqlDialect {
  switch (name) {
    case 'duckdb':
      return duckdbDialect;
    case 'clickhouse':
      return clickhouseDialect;
    default:
      return name satisfies never;
  }
}
