import { addDays, type IsoDay } from '../domain/time.js';
import type { Email } from '../report/email.js';
import type { Db } from '../store/db.js';
import { listAlerts, type StoredAlert } from './history.js';
import type { GovernanceRuntime } from './run.js';

export interface Digest {
  teamId: string;
  /** The manager's address (empty when the org file gives them none). */
  email: Email;
  alerts: StoredAlert[];
}

const ENDED: Record<StoredAlert['state'], string> = {
  open: 'still open',
  acknowledged: 'acknowledged',
  muted: 'muted',
};

/**
 * The weekly digest each team's manager gets: the team's alerts of the seven days to `asOf` and how each
 * ended (open, acknowledged, muted; escalations counted). Bodies are those sent, written for an org-wide
 * viewer; the manager reads about their own team, so it is named.
 */
export async function managerDigests(db: Db, runtime: GovernanceRuntime, asOf: IsoDay): Promise<Digest[]> {
  const since = addDays(asOf, -6);
  const out: Digest[] = [];
  for (const team of runtime.directory.teams) {
    if (!team.manager) continue;
    const manager = runtime.directory.people.find((p) => p.id === team.manager);
    const to =
      manager?.aliases
        .filter((a) => a.kind === 'email')
        .map((a) => a.value)
        .slice(0, 1) ?? [];
    const alerts = (await listAlerts(db, { teams: [team.id], since, limit: 500 })).filter(
      (a) => a.updatedAt.slice(0, 10) <= asOf,
    );
    const lines = alerts.map(
      (a) =>
        `- ${a.title} (${a.rule}, ${ENDED[a.state]}${a.notifications > 1 ? `, escalated ${a.notifications - 1}x` : ''}; raised ${a.raisedAt.slice(0, 10)})`,
    );
    out.push({
      teamId: team.id,
      alerts,
      email: {
        to,
        subject: `[Mileage] ${team.name}: ${alerts.length} alert${alerts.length === 1 ? '' : 's'} in the week to ${asOf}`,
        text: [
          `Alerts about ${team.name} from ${since} to ${asOf}, and how they ended.`,
          '',
          ...(lines.length ? lines : ['No alerts this week.']),
          '',
          'Coaching prompts went to the team’s coach; this digest is for you to see the pattern, not to grade anyone.',
          'The history: `mileage alerts list` or GET /api/v1/alerts.',
          '',
        ].join('\n'),
      },
    });
  }
  return out;
}
