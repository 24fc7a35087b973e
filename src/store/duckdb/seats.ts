import { toStorage } from '../../domain/money.js';
import type { SeatActivity, SeatRecord } from '../../domain/seat.js';
import type { AppendResult } from '../db.js';
import { writtenColumnsDuckDb } from '../tables/ddl.js';
import { directoryTable } from '../tables/directory-tables.js';
import { csvText } from './csv.js';
import type { DuckIo } from './io.js';
import { hashed } from './records.js';
import { csvReader } from './sql.js';

/** The columns a seat writer stages, from the table catalog (synced_at is the store's). */
const SEAT_COLUMNS = writtenColumnsDuckDb(directoryTable('seat_records'));
const ACTIVITY_COLUMNS = writtenColumnsDuckDb(directoryTable('seat_activity'));

function seatRow(r: SeatRecord) {
  const who = hashed(r.actor);
  return {
    id: r.id,
    source: r.source,
    tool: r.tool,
    actor_hash: who.hash,
    actor_hint: who.hint,
    plan: r.plan,
    period_start: r.periodStart,
    period_end: r.periodEnd,
    monthly_price: r.price === null ? null : toStorage(r.price),
    basis: r.basis,
    last_activity: r.lastActivity?.toISOString() ?? null,
    cycle_start: r.cycleSpend?.start.toISOString() ?? null,
    cycle_spend: r.cycleSpend ? toStorage(r.cycleSpend.amount) : null,
  };
}

async function staged(
  io: DuckIo,
  table: string,
  csv: string,
  columns: Record<string, string>,
  write: () => Promise<void>,
): Promise<AppendResult> {
  return io.withTempFile('seats.csv', csv, async (path) => {
    await io.run(
      `CREATE OR REPLACE TEMP TABLE seat_staging AS SELECT * FROM ${csvReader(path, columns)} QUALIFY row_number() OVER (PARTITION BY id) = 1`,
    );
    const [existing] = await io.query(`SELECT count(*) AS n FROM seat_staging JOIN ${table} USING (id)`);
    const [total] = await io.query('SELECT count(*) AS n FROM seat_staging');
    await write();
    await io.run('DROP TABLE seat_staging');
    return { written: Number(total?.n ?? 0), alreadyStored: Number(existing?.n ?? 0) };
  });
}

/**
 * Seats are snapshots: a re-sync updates the seat it saw before. The start stays at the earliest day seen
 * (Cursor lists members without dates, so the first sync that saw one is its start), an end once known
 * only moves earlier, and the last activity only moves forward.
 */
export function appendSeats(io: DuckIo, records: readonly SeatRecord[]): Promise<AppendResult> {
  if (records.length === 0) return Promise.resolve({ written: 0, alreadyStored: 0 });
  const csv = csvText(records.map(seatRow), Object.keys(SEAT_COLUMNS));
  return staged(io, 'seat_records', csv, SEAT_COLUMNS, () =>
    io.run(`
      INSERT OR REPLACE INTO seat_records BY NAME
      SELECT n.* EXCLUDE (period_start, period_end, last_activity, cycle_start, cycle_spend),
        CASE WHEN o.id IS NULL THEN n.period_start ELSE least(o.period_start, n.period_start) END AS period_start,
        CASE WHEN n.period_end IS NULL THEN NULL
             WHEN o.period_end IS NULL THEN n.period_end ELSE least(o.period_end, n.period_end) END AS period_end,
        CASE WHEN o.last_activity IS NULL THEN n.last_activity
             WHEN n.last_activity IS NULL THEN o.last_activity
             ELSE greatest(o.last_activity, n.last_activity) END AS last_activity,
        coalesce(n.cycle_start, o.cycle_start) AS cycle_start,
        CASE WHEN n.cycle_start IS NOT NULL THEN n.cycle_spend ELSE o.cycle_spend END AS cycle_spend,
        now() AS synced_at
      FROM seat_staging n LEFT JOIN seat_records o USING (id)`),
  );
}

/** Activity days are facts: the same id again replaces the day's count with the vendor's newer one. */
export function appendSeatActivity(io: DuckIo, rows: readonly SeatActivity[]): Promise<AppendResult> {
  if (rows.length === 0) return Promise.resolve({ written: 0, alreadyStored: 0 });
  const csv = csvText(
    rows.map((r) => {
      const who = hashed(r.actor);
      return {
        id: r.id,
        source: r.source,
        tool: r.tool,
        actor_hash: who.hash,
        actor_hint: who.hint,
        day: r.day,
        interactions: r.interactions,
      };
    }),
    Object.keys(ACTIVITY_COLUMNS),
  );
  return staged(io, 'seat_activity', csv, ACTIVITY_COLUMNS, () =>
    io.run('INSERT OR REPLACE INTO seat_activity BY NAME SELECT * FROM seat_staging'),
  );
}
