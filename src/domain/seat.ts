import type { Usd } from './money.js';
import type { CostBasis } from './usage.js';

/**
 * A fixed subscription seat (Copilot, Cursor, a Claude plan) held by one person, as a vendor's seat list
 * reports it. The ledger charges its monthly price per day of the period (`seat:<tool>:<person>` cells) and
 * lets the usage under that seat allocate it; a seat synced from a vendor takes the place of the
 * mileage.yaml seat of the same tool and person.
 */
export interface SeatRecord {
  /** Stable per source, tool and holder: a re-sync updates the seat instead of adding one. */
  id: string;
  source: string;
  tool: string;
  /** Login or email of the holder (hashed on storage, resolved through the directory's aliases). */
  actor: string;
  plan: string | null;
  /** First day held (YYYY-MM-DD, inclusive); kept at its earliest across syncs. */
  periodStart: string;
  /** Day the seat ends (exclusive), null while it runs. */
  periodEnd: string | null;
  /** USD per month: the vendor's, else the price configured in mileage.yaml; null = unpriced, never $0. */
  price: Usd | null;
  basis: CostBasis;
  /** The vendor's last activity on the seat, when it reports one (Copilot `last_activity_at`). */
  lastActivity: Date | null;
  /** Usage charged in the current billing cycle beyond the seat (Cursor `/teams/spend`), for the seat view. */
  cycleSpend?: { start: Date; amount: Usd } | undefined;
}

/** That a seat's holder used its tool on a day (Copilot usage reports, Cursor daily usage, Claude Code analytics). */
export interface SeatActivity {
  id: string;
  source: string;
  tool: string;
  actor: string;
  /** UTC calendar day, YYYY-MM-DD. */
  day: string;
  /** Interactions the vendor counted that day (requests, sessions): 0 when it only says "active". */
  interactions: number;
}

/**
 * How many people used a tool in a project and day, as its vendor counts them without naming anyone (Cloud
 * Monitoring's Gemini Code Assist active-user metrics): for the seat view, licences bought against people using
 * them. Counts of different projects add up; counts of different periods never do.
 */
export interface ReportedActiveUsers {
  /** Stable per source, project, period and day: a re-sync replaces the count. */
  id: string;
  source: string;
  tool: string;
  /** The project (workspace) the vendor counted in. */
  workspace: string;
  /** The team the project belongs to (the source's settings), null when none is configured. */
  team: string | null;
  /** UTC calendar day, YYYY-MM-DD. */
  day: string;
  /** The counting window: 1 (daily active users) or 28 (28-day active users, ending that day). */
  periodDays: 1 | 28;
  users: number;
}
