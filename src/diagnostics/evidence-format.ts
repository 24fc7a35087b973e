import { formatUsd, usd } from '../domain/money.js';

/**
 * Evidence is read by people (the dashboard, the JSON report): every value carries its unit, formatted as
 * the answer formats it. A raw `1144497`, `0.062` or `19.69` leaves the reader to guess tokens or dollars.
 */
export const countText = (n: number): string => Math.round(n).toLocaleString('en-US');
export const timesText = (x: number, digits = 1): string => `${x.toFixed(digits)}x`;
export const pctText = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)}%`;
/** Dollars from a float computed for a ratio (exact sums stay decimals and use formatUsd directly). */
export const usdText = (n: number): string => formatUsd(usd(n.toFixed(2)));
