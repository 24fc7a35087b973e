import type { Db } from '../store/db.js';
import { relation } from '../metrics/relations.js';

/**
 * Who owns a finding's next step. A "Next" with no owner is read by everyone and done by no one, so every
 * action of the weekly diagnostic names one: the team's manager or coach from the org file (by name where
 * the audience may see people, else by role), or the platform team for what no team owns (workflows with no
 * team, billing streams, connectors, prices).
 */
export type OwnerRole = 'coach' | 'manager';

export const PLATFORM_TEAM = 'the platform team';

/** A team as the report's audience may see it, with its manager's and coach's names where they may be shown. */
export interface TeamOwners {
  /** The team's name; null when privacy folds it (too few people to be shown on its own). */
  name: string | null;
  manager: string | null;
  coach: string | null;
}

/**
 * Every team's owners, read from the store's directory (mileage.yaml's teams[].manager and coach). Names come
 * back only when `named`; teams in `folded` lose their name as everywhere else in the report. In team order, so
 * a list of managers reads the same on every engine.
 */
export async function teamOwners(
  db: Db,
  folded: ReadonlySet<string>,
  named: boolean,
): Promise<Map<string, TeamOwners>> {
  const rows = await db.query(
    `SELECT t.team_id AS team_id, t.name AS name, m.name AS manager, c.name AS coach
     FROM ${relation({ db }, 'dir_teams')} t
     LEFT JOIN ${relation({ db }, 'dir_people')} m ON m.person_id = t.manager_id
     LEFT JOIN ${relation({ db }, 'dir_people')} c ON c.person_id = t.coach_id
     ORDER BY t.team_id`,
  );
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  return new Map(
    rows.map((r) => {
      const id = String(r.team_id);
      const hidden = folded.has(id);
      return [
        id,
        {
          name: hidden ? null : text(r.name),
          manager: named && !hidden ? text(r.manager) : null,
          coach: named && !hidden ? text(r.coach) : null,
        },
      ];
    }),
  );
}

/**
 * The owner of a team's next step, preferring `role` and falling back to the other role the org file names:
 * "Ana Ruiz, the Payments team's coach", or "the Payments team's coach" where people may not be named.
 */
export function teamOwner(team: TeamOwners | undefined, role: OwnerRole): string {
  const teamWord = team?.name ? `the ${team.name} team` : 'that team';
  const other: OwnerRole = role === 'coach' ? 'manager' : 'coach';
  for (const r of [role, other]) {
    const person = team?.[r];
    if (person) return `${person}, ${teamWord}'s ${r}`;
  }
  return `${teamWord}'s ${role}`;
}

/** For a team id that may be missing (spend of no team): its owner, or the platform team. */
export function ownerOfTeam(
  owners: ReadonlyMap<string, TeamOwners>,
  teamId: string | null,
  role: OwnerRole,
): string {
  return teamId === null ? PLATFORM_TEAM : teamOwner(owners.get(teamId), role);
}

/** Org-wide findings (trajectory, quality tax) belong to every team's manager: named when all may be. */
export function everyManager(owners: ReadonlyMap<string, TeamOwners>): string {
  const teams = [...owners.values()];
  const names = teams.map((t) => t.manager);
  if (teams.length > 0 && names.every((n): n is string => n !== null))
    return `the team managers (${[...new Set(names)].join(', ')})`;
  return "each team's manager";
}
