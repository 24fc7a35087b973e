import type { Usd } from './money.js';
import type { CostBasis } from './usage.js';

/**
 * A fixed subscription cost (Copilot, Cursor, Claude plan) for one person over a period. The ledger spreads it
 * over the days of the period and lets the usage under that plan allocate it.
 */
export interface SeatRecord {
  id: string;
  source: string;
  tool: string;
  /** The seat's own stream, `seat:<tool>`; usage under the plan belongs to it. */
  stream: string;
  actor: string | null;
  plan: string | null;
  /** Inclusive start, exclusive end, as calendar days (YYYY-MM-DD) in the org's time zone. */
  periodStart: string;
  periodEnd: string;
  price: Usd;
  basis: CostBasis;
  lastActivity: Date | null;
}
