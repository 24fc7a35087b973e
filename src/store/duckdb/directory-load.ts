import type { OrgDirectory } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import { isValidTimeZone } from '../../domain/time.js';
import { directoryMeta, directoryRows } from '../tables/directory-rows.js';
import { writtenColumnsDuckDb } from '../tables/ddl.js';
import { directoryTable } from '../tables/directory-tables.js';
import { withTempJson, type DuckIo } from './io.js';
import { columnsSpec, sqlString } from './sql.js';

/**
 * Replaces the directory tables with the org file's, in one transaction, through DuckDB's JSON reader typed by
 * the table catalog. When the org's time zone changed, every stored day is re-derived (days are the org's
 * calendar days).
 */
export async function loadDirectory(
  io: DuckIo,
  dir: OrgDirectory,
  zone: { current(): string; switchTo(timeZone: string): void },
): Promise<void> {
  if (!isValidTimeZone(dir.timeZone)) {
    throw new MileageError(
      'config',
      `unknown time zone "${dir.timeZone}"`,
      'Use an IANA name such as Europe/Berlin.',
    );
  }
  const rows = directoryRows(dir);
  try {
    await io.transaction(async () => {
      for (const [table, data] of Object.entries(rows)) {
        const spec = directoryTable(table);
        await io.run(`DELETE FROM ${table}`);
        if (data.length === 0) continue;
        await withTempJson(io, data, (path) =>
          io.run(
            `INSERT INTO ${table} BY NAME SELECT * FROM read_json(${sqlString(path)}, format = 'newline_delimited', columns = ${columnsSpec(writtenColumnsDuckDb(spec))})`,
          ),
        );
      }
    });
  } catch (cause) {
    throw new MileageError('internal', 'could not load the org directory into the store', undefined, {
      cause,
    });
  }
  if (dir.timeZone !== zone.current()) {
    // `io` computes days in the store's time zone: switch it first.
    zone.switchTo(dir.timeZone);
    await io.setMeta('time_zone', dir.timeZone);
    await io.run(`UPDATE usage SET day = ${io.usageDay()}`);
    await io.run(`UPDATE outcomes SET day = ${io.localDay('occurred_at')}`);
  }
  for (const [key, value] of directoryMeta(dir)) await io.setMeta(key, value);
}
