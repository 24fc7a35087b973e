import { sumUsd, usd } from '../domain/money.js';
import { addDays } from '../domain/time.js';
import { personVisibility, type Viewer } from '../org/privacy.js';
import type { Privacy } from '../domain/directory.js';
import type { Db } from '../store/db.js';
import { reportedActiveUsers } from './reported-active-users.js';
import { dialectFor } from '../store/sql/dialect.js';
import { IDLE_DAYS } from './seats.js';
import { relation } from './relations.js';

export interface SeatRow {
  tool: string;
  plan: string | null;
  /** The person's name; null for a holder mileage.yaml does not know (people privacy hides are left out). */
  holder: string | null;
  team: string | null;
  /** The vendor source that listed the seat, or mileage.yaml. */
  source: string;
  /** USD per month as exact decimal text; null = unpriced (no vendor or configured price). */
  monthlyPrice: string | null;
  /** The last day the holder used the tool: vendor last activity, usage records or activity reports. */
  lastActive: string | null;
  idle: boolean;
  /** Usage charged beyond the seat in the current billing cycle, where the vendor reports it (Cursor). */
  cycleSpend: string | null;
}

export interface SeatTotals {
  tool: string;
  seats: number;
  idle: number;
  /** Monthly price of the idle seats that have one (decimal text). */
  idleMonthlyCost: string;
  /** Idle seats without a price: their cost is unknown, not zero. */
  idleUnpriced: number;
  /**
   * The tool's 28-day active users as its vendor counts them (Gemini Code Assist's Cloud Monitoring metric), the
   * latest count in the IDLE_DAYS before `asOf`, projects added; null when the vendor counts none.
   */
  activeUsers28d: number | null;
}

export interface SeatReport {
  asOf: string;
  idleDays: number;
  seats: SeatRow[];
  totals: SeatTotals[];
  /** People not named (privacy): their seats are in the totals only. */
  hiddenSeats: number;
}

/**
 * The seats held on `asOf` (vendor seat lists, else mileage.yaml) with each one's last use and whether it
 * is idle: no use of its tool by its holder in the IDLE_DAYS before `asOf`, counting usage records, vendor
 * activity reports and the vendor's own last-activity date. People are named only where privacy allows.
 */
export async function seatReport(
  ctx: { db: Db; privacy: Privacy; viewer: Viewer },
  asOf: string,
): Promise<SeatReport> {
  const asOfDay = dialectFor(ctx.db.dialect).param('as_of', 'Date');
  const rows = await ctx.db.query(
    `WITH held AS (
       SELECT * FROM seat_holdings
       WHERE (from_day IS NULL OR from_day <= ${asOfDay}) AND (until_day IS NULL OR until_day > ${asOfDay})
     ), activity AS (
       SELECT tool, person_id AS holder, max(day) AS last FROM ${relation(ctx, 'usage_identity')}
       WHERE person_id IS NOT NULL AND day <= ${asOfDay} GROUP BY 1, 2
       UNION ALL
       SELECT a.tool, coalesce(al.person_id, a.actor_hash), max(a.day)
       FROM seat_activity a LEFT JOIN dir_aliases al ON al.alias_hash = a.actor_hash
       WHERE a.day <= ${asOfDay} GROUP BY 1, 2
     ), last AS (SELECT tool, holder, max(last) AS last FROM activity GROUP BY 1, 2)
     -- each column aliased: ClickHouse names h.tool after its table when last has a tool too
     SELECT h.tool AS tool, h.plan AS plan, h.person_id AS person_id, p.name AS name, p.team_id AS team_id,
       h.source AS source,
       CAST(h.monthly_price AS VARCHAR) AS price, CAST(h.cycle_spend AS VARCHAR) AS cycle_spend,
       -- the later of the two, either one when the other is unknown (written out: DuckDB's greatest skips a
       -- NULL, ClickHouse's returns NULL)
       CAST(CASE WHEN h.last_activity IS NULL THEN l.last WHEN l.last IS NULL THEN CAST(h.last_activity AS DATE)
         ELSE greatest(l.last, CAST(h.last_activity AS DATE)) END AS VARCHAR) AS last_active
     FROM held h
     LEFT JOIN last l ON l.tool = h.tool AND l.holder = h.holder
     LEFT JOIN ${relation(ctx, 'dir_people')} p ON p.person_id = h.person_id
     ORDER BY h.tool, last_active NULLS FIRST, h.holder`,
    { as_of: asOf },
  );
  const idleSince = addDays(asOf, -IDLE_DAYS);
  const seats: SeatRow[] = [];
  const totals = new Map<string, { seats: number; idle: number; unpriced: number; priced: string[] }>();
  let hiddenSeats = 0;
  for (const r of rows) {
    const tool = String(r.tool);
    const lastActive = (r.last_active as string | null) ?? null;
    const idle = lastActive === null || lastActive < idleSince;
    const price = (r.price as string | null) ?? null;
    const team = (r.team_id as string | null) ?? null;
    const t = totals.get(tool) ?? { seats: 0, idle: 0, unpriced: 0, priced: [] };
    t.seats++;
    if (idle) {
      t.idle++;
      if (price === null) t.unpriced++;
      else t.priced.push(price);
    }
    totals.set(tool, t);
    const named = r.person_id !== null && personVisibility(ctx.privacy, ctx.viewer, team) === 'named';
    if (r.person_id !== null && !named) {
      hiddenSeats++;
      continue;
    }
    seats.push({
      tool,
      plan: (r.plan as string | null) ?? null,
      holder: named ? String(r.name ?? r.person_id) : null,
      team,
      source: String(r.source),
      monthlyPrice: price,
      lastActive,
      idle,
      cycleSpend: (r.cycle_spend as string | null) ?? null,
    });
  }
  const reported = await reportedActiveUsers(
    { ...ctx, window: { since: addDays(asOf, -IDLE_DAYS), until: addDays(asOf, 1) } },
    'tool',
  );
  return {
    asOf,
    idleDays: IDLE_DAYS,
    seats,
    totals: [...totals].map(([tool, t]) => ({
      tool,
      seats: t.seats,
      idle: t.idle,
      idleMonthlyCost: sumUsd(t.priced.map((p) => usd(p))).toFixed(),
      idleUnpriced: t.unpriced,
      activeUsers28d: reported.get(tool)?.last28 ?? null,
    })),
    hiddenSeats,
  };
}
