import { sqlString } from '../sql-text.js';
import type { SqlDialect } from './dialect.js';
import { quantileLiteral, scaleLiteral } from './duckdb-dialect.js';

const NULL_TYPES = {
  timestamp: "DateTime64(3, 'UTC')",
  money: 'Decimal(18, 10)',
  text: 'String',
  date: 'Date',
};

/** ClickHouse 26.x's spelling of the dialect pieces (see dialect.ts for where the meaning differs). */
export const clickhouseDialect: SqlDialect = {
  name: 'clickhouse',
  param: (name, type) => `{${name}:${type}}`,
  median: (expr) => `quantileExactInclusive(0.5)(toFloat64(${expr}))`,
  quantile: (expr, q) => `quantileExactInclusive(${quantileLiteral(q)})(toFloat64(${expr}))`,
  argMax: (value, ...by) =>
    by.length === 1 ? `argMax(${value}, ${by[0]})` : `argMax(${value}, (${by.join(', ')}))`,
  distinctList: (expr) => `groupUniqArray(${expr})`,
  // An aggregate takes no ORDER BY on ClickHouse: the distinct values are gathered, then sorted.
  sortedText: (expr, separator) =>
    `nullIf(arrayStringConcat(arraySort(groupUniqArray(${expr})), ${sqlString(separator)}), '')`,
  anyTrue: (cond) => `toBool(max(${cond}))`,
  daySeries: (from, until) =>
    `(SELECT addDays(toDate(${from}), number) AS day FROM numbers(toUInt64(greatest(0, dateDiff('day', toDate(${from}), toDate(${until}))))))`,
  isoWeekday: (day) => `toDayOfWeek(${day})`,
  weekStart: (day) => `toMonday(${day})`,
  monthStart: (day) => `toStartOfMonth(${day})`,
  monthEnd: (day) => `toLastDayOfMonth(${day})`,
  daysInMonth: (day) => `toDayOfMonth(toLastDayOfMonth(${day}))`,
  // Round at the 10th decimal first: ClickHouse's cast to a smaller scale truncates, DuckDB's rounds. A float
  // (an allocation's share times an amount) is widened to 20 decimals, then rounded like a decimal.
  money: (expr) => `toDecimal64(round(toDecimal128(${expr}, 20), 10), 10)`,
  decimal: (expr, scale) =>
    `toDecimal64(round(toDecimal128(${expr}, 20), ${scaleLiteral(scale)}), ${scaleLiteral(scale)})`,
  moneyTimes: (a, b) => `toDecimal64(round(toDecimal128(${a}, 10) * toDecimal128(${b}, 10), 10), 10)`,
  text: (expr) => `toString(${expr})`,
  double: (expr) => `toFloat64(${expr})`,
  // ClickHouse rounds a float's halves to even (banker's); DuckDB's round, like C's, away from zero.
  roundHalfAway: (expr) => `if((${expr}) >= 0, floor((${expr}) + 0.5), -floor(0.5 - (${expr})))`,
  dayStart: (day) => `toDateTime64(${day}, 3, 'UTC')`,
  // toString of a DateTime64(3, 'UTC') is '2026-03-01 10:00:00.000'; concat of a NULL is NULL.
  isoInstant: (expr) => `concat(replaceOne(toString(toDateTime64(${expr}, 3, 'UTC')), ' ', 'T'), 'Z')`,
  listJson: (expr) => `if(empty(${expr}), NULL, toJSONString(${expr}))`,
  nullOf: (type) => `CAST(NULL AS Nullable(${NULL_TYPES[type]}))`,
  // Every read deduplicated: the fact tables are ReplacingMergeTree, so a record written twice counts once
  // whether or not the background merges have run (docs/clickhouse.md).
  // A column wins over a SELECT alias of the same name in WHERE and GROUP BY, as in DuckDB (`SELECT CAST(day AS
  // VARCHAR) AS day … WHERE day >= …` compares the column, not the text).
  // A CAST of a NULL stays NULL (`CAST(last_activity AS DATE)`), as in DuckDB, instead of failing.
  sessionSettings: { join_use_nulls: 1, final: 1, prefer_column_name_to_alias: 1, cast_keep_nullable: 1 },
};
