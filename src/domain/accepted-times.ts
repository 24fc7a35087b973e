/**
 * The range of instants a record may carry. A time far outside it is a typo or a hostile value (one record
 * dated 9999-12-31 once made the ledger lay out seat days to the year 9999), so every ingest path rejects it
 * per record, and every derived range (ledger days, report windows) is bounded by the data kept.
 *
 * Default: from 2015-01-01 (before any AI coding tool billed anyone) to one day ahead of this machine's
 * clock (clock skew between machines, time zones). Configurable with two environment variables:
 * `MILEAGE_ACCEPT_SINCE` (an ISO date or time) and `MILEAGE_ACCEPT_AHEAD` (a duration: `36h`, `2d`).
 */
export interface AcceptedTimes {
  /** Inclusive. */
  earliest: Date;
  /** Inclusive. */
  latest: Date;
}

export const DEFAULT_ACCEPT_SINCE = '2015-01-01';
export const DEFAULT_ACCEPT_AHEAD = '1d';

const HOUR_MS = 3_600_000;

/** `36h`, `2d`, `0d`: hours or days. */
export function parseAhead(text: string): number | null {
  const m = /^\s*(\d{1,5})\s*([hd])\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return m[2]?.toLowerCase() === 'h' ? n * HOUR_MS : n * 24 * HOUR_MS;
}

/**
 * The accepted range from the two settings (absent: the defaults) and the machine's clock. A setting that
 * cannot be read is an error naming it, never a silent default.
 */
export function acceptedTimes(
  settings: { since?: string | undefined; ahead?: string | undefined } = {},
  now: Date = new Date(),
): AcceptedTimes {
  const sinceText = settings.since?.trim() || DEFAULT_ACCEPT_SINCE;
  const earliest = new Date(/^\d{4}-\d{2}-\d{2}$/.test(sinceText) ? `${sinceText}T00:00:00Z` : sinceText);
  if (Number.isNaN(earliest.getTime()))
    throw new RangeError(`MILEAGE_ACCEPT_SINCE: not an ISO date or time: ${sinceText}`);
  const aheadText = settings.ahead?.trim() || DEFAULT_ACCEPT_AHEAD;
  const ahead = parseAhead(aheadText);
  if (ahead === null)
    throw new RangeError(`MILEAGE_ACCEPT_AHEAD: expected hours or days (36h, 2d), got ${aheadText}`);
  return { earliest, latest: new Date(now.getTime() + ahead) };
}

/** The range from this process's environment, at the current time. */
export function acceptedTimesFromEnv(
  env: Record<string, string | undefined>,
  now: Date = new Date(),
): AcceptedTimes {
  return acceptedTimes({ since: env.MILEAGE_ACCEPT_SINCE, ahead: env.MILEAGE_ACCEPT_AHEAD }, now);
}

/** The range from this process's environment, now (what every ingest path uses unless told otherwise). */
export function currentAcceptedTimes(): AcceptedTimes {
  return acceptedTimesFromEnv(process.env);
}
