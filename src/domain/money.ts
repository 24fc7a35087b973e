import { Decimal } from 'decimal.js';

/**
 * Money is decimal USD, never a float sum. We keep 10 decimal places in storage (DECIMAL(18,10)):
 * the cheapest token prices are fractions of a micro-dollar per token.
 */
export const MONEY_SCALE = 10;

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

export type Usd = InstanceType<typeof D>;

export function usd(value: string | number | bigint | Usd): Usd {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`not a finite amount: ${value}`);
  }
  return new D(typeof value === 'bigint' ? value.toString() : value);
}

export const ZERO_USD: Usd = new D(0);

/** Exact sum. Callers keep unpriced (null) amounts out and report them separately. */
export function sumUsd(values: Iterable<Usd>): Usd {
  let total = ZERO_USD;
  for (const value of values) total = total.plus(value);
  return total;
}

/** The canonical string stored in the database: fixed scale, no exponent. */
export function toStorage(value: Usd): string {
  return value.toDecimalPlaces(MONEY_SCALE).toFixed(MONEY_SCALE);
}

/** Dollars from a number of cents given as a decimal string or number (Anthropic cost report, Cursor). */
export function centsToUsd(cents: string | number): Usd {
  return usd(cents).dividedBy(100);
}

/** `$1,234.57`: for people, never for storage. */
export function formatUsd(value: Usd, decimals = 2): string {
  const fixed = value.toDecimalPlaces(decimals).toFixed(decimals);
  const [whole = '0', frac] = fixed.replace('-', '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value.isNegative() ? '-' : ''}$${grouped}${frac ? `.${frac}` : ''}`;
}
