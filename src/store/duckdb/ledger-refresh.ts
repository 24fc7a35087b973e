import { currentAcceptedTimes } from '../../domain/accepted-times.js';
import type { LedgerBuilder } from '../db.js';
import type { DuckIo } from './io.js';
import {
  ALL_DAYS,
  LEDGER_PRS_SQL,
  LEDGER_RANGE_RECORDS,
  LEDGER_ROLLUPS_SQL,
  LEDGER_VERSION,
  RECORDS_PER_DAY_SQL,
  seatDaysSql,
  ledgerRanges,
  ledgerSelect,
} from './ledger.js';
import { outcomeLinksSql } from './outcome-links.js';
import { QUARANTINE_TABLE_SQL, quarantineReasons, quarantineSql } from './quarantine.js';
import { sqlString } from './sql.js';

/**
 * The embedded store's ledger build: the ledger, its rollups and the facts that join sources, recomputed in
 * one transaction after new data (readers on the other connections see the old ledger until the new one is
 * in), kept current across Mileage versions, and deferred for one-shot ingests.
 */
export class DuckLedger implements LedgerBuilder {
  constructor(private readonly io: DuckIo) {}

  /**
   * The ledger and its rollups are derived tables: a store written by an older Mileage, whose ledger has
   * another shape, gets them rebuilt once at open (from the stored records, so nothing is lost).
   */
  async ensureCurrent(deferStale: boolean): Promise<void> {
    const [ledger] = await this.io.query(
      "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'ledger'",
    );
    if (Number(ledger?.n ?? 0) === 0) return;
    if ((await this.io.getMeta('ledger_version')) !== String(LEDGER_VERSION)) await this.refreshLedger();
    else if (!deferStale && (await this.io.getMeta('ledger_stale')) === 'true') await this.refreshLedger();
  }

  async deferLedgerRefresh(): Promise<void> {
    await this.io.setMeta('ledger_stale', 'true');
  }

  /**
   * Moves stored rows out of bounds into `quarantine` (see quarantine.ts), so that no stored row can fail the
   * pricing pass or the ledger. A scan of each table; the move runs only when a row fails.
   */
  async quarantineOutOfBounds(): Promise<number> {
    const io = this.io;
    let moved = 0;
    for (const { table, reason } of quarantineReasons(currentAcceptedTimes(), sqlString)) {
      const sql = quarantineSql(table, reason);
      const [row] = await io.query(sql.count);
      const n = Number(row?.n ?? 0);
      if (n === 0) continue;
      await io.run(QUARANTINE_TABLE_SQL);
      await io.transaction(async () => {
        for (const statement of sql.move) await io.run(statement);
      });
      moved += n;
    }
    return moved;
  }

  /** One transaction, a range of days at a time (about `recordsPerRange` records each). */
  async refreshLedger(options: { recordsPerRange?: number } = {}): Promise<void> {
    const io = this.io;
    await this.quarantineOutOfBounds();
    const perDay = await io.query(RECORDS_PER_DAY_SQL);
    const ranges = ledgerRanges(
      perDay.map((r) => ({ day: String(r.day), records: Number(r.records) })),
      options.recordsPerRange ?? LEDGER_RANGE_RECORDS,
    );
    await io.transaction(async () => {
      await io.run(seatDaysSql(currentAcceptedTimes()));
      const [first, ...rest] = ranges;
      await io.run(`CREATE OR REPLACE TABLE ledger AS ${ledgerSelect(first ?? ALL_DAYS)}`);
      for (const range of rest) await io.run(`INSERT INTO ledger ${ledgerSelect(range)}`);
      await io.run(LEDGER_ROLLUPS_SQL);
      await io.run(outcomeLinksSql());
      await io.run(LEDGER_PRS_SQL);
    });
    await io.setMeta('ledger_version', String(LEDGER_VERSION));
    await io.setMeta('ledger_stale', 'false');
  }
}
