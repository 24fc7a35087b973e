import type { AbsenceRecord } from '../../domain/capacity.js';
import { recordId } from '../../domain/ids.js';
import type { AppendResult } from '../db.js';
import type { DuckIo } from './io.js';
import { hashed } from './records.js';

/**
 * Each event's days replace the ones stored for it (by event_key): a re-read event writes the same rows, a
 * moved one its new days only, a cancelled one none. Calendars hold few absences, so rows go one statement
 * each, every value bound.
 */
export async function appendAbsences(io: DuckIo, records: readonly AbsenceRecord[]): Promise<AppendResult> {
  let written = 0;
  let alreadyStored = 0;
  for (const r of records) {
    const [before] = await io.query('SELECT count(*) AS n FROM absence_days WHERE event_key = $k', {
      k: r.key,
    });
    if (Number(before?.n ?? 0) > 0) alreadyStored++;
    await io.exec('DELETE FROM absence_days WHERE event_key = $k', { k: r.key });
    const who = hashed(r.actor);
    for (const d of r.days)
      await io.exec(
        `INSERT OR REPLACE INTO absence_days
         VALUES ($id, $k, $source, $hash, $hint, CAST($day AS DATE), $kind, $fraction, now())`,
        {
          id: recordId(r.source, r.key, d.day),
          k: r.key,
          source: r.source,
          hash: who.hash,
          hint: who.hint,
          day: d.day,
          kind: r.kind,
          fraction: d.fraction,
        },
      );
    written++;
  }
  return { written, alreadyStored };
}
