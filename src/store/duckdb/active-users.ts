import type { ReportedActiveUsers } from '../../domain/seat.js';
import type { AppendResult } from '../db.js';
import type { DuckIo } from './io.js';

/**
 * A vendor's count of a project's active users on a day replaces the one stored under its id (a later sync may
 * see the day's final count). Few rows (projects × days × two periods), so one bound statement each.
 */
export async function appendActiveUsers(
  io: DuckIo,
  records: readonly ReportedActiveUsers[],
): Promise<AppendResult> {
  let written = 0;
  let alreadyStored = 0;
  for (const r of records) {
    const [before] = await io.query('SELECT users FROM reported_active_users WHERE id = $id', { id: r.id });
    if (before !== undefined && Number(before.users) === r.users) {
      alreadyStored++;
      continue;
    }
    await io.exec(
      `INSERT OR REPLACE INTO reported_active_users
       VALUES ($id, $source, $tool, $workspace, $team, CAST($day AS DATE), $period, $users, now())`,
      {
        id: r.id,
        source: r.source,
        tool: r.tool,
        workspace: r.workspace,
        team: r.team,
        day: r.day,
        period: r.periodDays,
        users: r.users,
      },
    );
    written++;
  }
  return { written, alreadyStored };
}
