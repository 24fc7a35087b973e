import { dayOf, weekStart, type IsoDay } from '../domain/time.js';
import type { Db } from '../store/db.js';
import { channelsFor } from './channels.js';
import { managerDigests } from './digest.js';
import type { GovernanceRuntime } from './run.js';

const SENT_KEY = 'governance_digest_week';

/**
 * Sends each manager their team's weekly digest by email, once per week: on the first evaluation of a week
 * (the server's schedule calls this after every run), covering the seven days before that Monday. The week
 * sent is kept in the store's meta, so a restart does not send it twice.
 */
export async function sendWeeklyDigests(
  db: Db,
  runtime: GovernanceRuntime,
  now: Date,
  exclusive: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
): Promise<{ week: IsoDay; sent: Record<string, string> } | null> {
  if (!runtime.directory.notify?.email) return null;
  const week = weekStart(dayOf(now, runtime.directory.timeZone));
  if ((await db.getMeta(SENT_KEY)) === week) return null;
  await exclusive(() => db.setMeta(SENT_KEY, week));
  const channels = channelsFor(runtime.directory.notify, ['email'], runtime.env);
  const sent: Record<string, string> = {};
  const lastWeekEnd = new Date(Date.parse(`${week}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  for (const d of await managerDigests(db, runtime, lastWeekEnd))
    sent[d.teamId] = d.email.to.length ? await channels.email(d.email) : 'not sent: the manager has no email';
  return { week, sent };
}
