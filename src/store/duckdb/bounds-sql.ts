import type { AcceptedTimes } from '../../domain/accepted-times.js';
import { RECORD_BOUNDS } from '../../domain/record-bounds.js';
import { sqlString } from '../sql-text.js';

/**
 * The bounds of domain/record-bounds.ts as SQL, for the store's bulk readers (usage files, the events API,
 * FOCUS files), which check every row in the database instead of building records in JavaScript. Each
 * function returns a CASE expression that is NULL for a good value and `field|message` for a bad one, so a
 * bad cell rejects its row with the column named, and the rest of the file loads. `raw` is the cell as text.
 */

const fmt = (n: number) => n.toLocaleString('en-US');
/** `field|` as a SQL literal: the start of a problem naming the field. */
const about = (field: string, text = '') => sqlString(`${field}|${text}`);

/** A whole number in [0, max] written as digits (a fraction or an exponent is refused, never rounded). */
export function wholeCheckSql(field: string, raw: string, max: number | string): string {
  const maxText = typeof max === 'number' ? sqlString(fmt(max)) : `format('{:,}', CAST(${max} AS BIGINT))`;
  return `CASE WHEN ${raw} IS NULL THEN NULL
    WHEN NOT regexp_full_match(${raw}, '[0-9]+(\\.0*)?') THEN ${about(field, 'not a whole number >= 0: ')} || left(${raw}, 40)
    WHEN try_cast(${raw} AS DOUBLE) > ${max} THEN ${about(field)} || left(${raw}, 40) || ' is above the bound of ' || ${maxText} END`;
}

/** A decimal amount within ±max USD; negative only where `negativeAllowed` (an SQL boolean) holds. */
export function amountCheckSql(field: string, raw: string, max: number, negativeAllowed: string): string {
  const value = `try_cast(${raw} AS DECIMAL(38,10))`;
  return `CASE WHEN ${raw} IS NULL THEN NULL
    WHEN ${value} IS NULL THEN ${about(field, 'not a decimal amount: ')} || left(${raw}, 40)
    WHEN abs(${value}) > ${max} THEN ${about(field)} || left(${raw}, 40) || ${sqlString(` is beyond the bound of ${fmt(max)} USD`)}
    WHEN ${value} < 0 AND NOT coalesce(${negativeAllowed}, false) THEN ${about(field, 'negative: ')} || left(${raw}, 40) END`;
}

/** An instant inside the accepted range; `time` is the parsed TIMESTAMPTZ (checked for NULL elsewhere). */
export function timeRangeCheckSql(field: string, time: string, times: AcceptedTimes): string {
  const earliest = times.earliest.toISOString();
  const latest = times.latest.toISOString();
  const shown = `strftime(${time} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')`;
  return `CASE WHEN ${time} < CAST(${sqlString(earliest)} AS TIMESTAMPTZ) THEN ${about(field)} || ${shown} || ${sqlString(` is before ${earliest} (accepted range, MILEAGE_ACCEPT_SINCE)`)}
    WHEN ${time} > CAST(${sqlString(latest)} AS TIMESTAMPTZ) THEN ${about(field)} || ${shown} || ${sqlString(` is after ${latest} (more than the accepted time ahead of this machine's clock, MILEAGE_ACCEPT_AHEAD)`)} END`;
}

/** Text no longer than `max` characters (names: RECORD_BOUNDS.nameChars; other text: textChars). */
export function textCheckSql(field: string, raw: string, max: number): string {
  return `CASE WHEN length(${raw}) > ${max} THEN ${about(field)} || format('{:,}', length(${raw})) || ${sqlString(` characters, above the bound of ${max}`)} END`;
}

/** The token bound of a bucket from `start` to `end` (SQL TIMESTAMPTZ): per request, scaled by its minutes. */
export function bucketTokenLimitSql(start: string, end: string): string {
  return `greatest(${RECORD_BOUNDS.tokensPerRequest}, ${RECORD_BOUNDS.tokensPerMinute} * greatest(1, ceil(date_diff('second', ${start}, ${end}) / 60.0)))`;
}
