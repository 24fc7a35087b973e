import type { Privacy } from '../domain/directory.js';

/**
 * Privacy rules every output applies (reports, API, dashboard, exports). They are pure so that each surface
 * applies the same rule and tests can pin it down; the surfaces decide who the viewer is.
 */

/**
 * Who is looking. `owner` is the local CLI user on their own machine, reading data they collected
 * themselves (`mileage scan` on their own logs); `teams` are the teams a manager manages.
 */
export interface Viewer {
  role: 'admin' | 'manager' | 'viewer' | 'owner';
  teams?: string[];
}

export type PersonVisibility = 'named' | 'hidden';

/**
 * Whether a person may be named to this viewer; when hidden, their numbers only appear inside groups.
 * - visible: named to everyone.
 * - team (the default): named to admins and the owner, and to managers of the person's team. A person with
 *   no team is named to no manager.
 * - hidden: never named, not even to admins or the owner: the org chose aggregates only.
 */
export function personVisibility(
  privacy: Pick<Privacy, 'individuals'>,
  viewer: Viewer,
  personTeam: string | null,
): PersonVisibility {
  switch (privacy.individuals) {
    case 'visible':
      return 'named';
    case 'hidden':
      return 'hidden';
    case 'team':
      return teamMayName(viewer, personTeam) ? 'named' : 'hidden';
    default:
      return privacy.individuals satisfies never;
  }
}

function teamMayName(viewer: Viewer, personTeam: string | null): boolean {
  switch (viewer.role) {
    case 'admin':
    case 'owner':
      return true;
    case 'manager':
      return personTeam !== null && (viewer.teams ?? []).includes(personTeam);
    case 'viewer':
      return false;
    default:
      return viewer.role satisfies never;
  }
}

/**
 * Folds every group smaller than `minSize` into one "other" row built by `merge`, so no small group's
 * numbers can be read on their own. Large rows keep their order; the "other" row, when there is one, comes
 * last. A single small group is still folded (it is then labelled "other", not by its name).
 *
 * The "other" row itself may still be smaller than `minSize` (e.g. one team of 2 next to teams of 10). It is
 * kept, because dropping it would make totals stop adding up; it shows only merged, never under a group's
 * name. Callers that show it next to a grand total should know that with a single small group its members
 * can be inferred by subtraction; mergeSmallGroups cannot prevent that on its own.
 */
export function mergeSmallGroups<T>(
  rows: readonly T[],
  minSize: number,
  sizeOf: (row: T) => number,
  merge: (rows: T[]) => T,
): T[] {
  if (!Number.isFinite(minSize)) throw new RangeError(`minSize must be a finite number, got ${minSize}`);
  const kept: T[] = [];
  const small: T[] = [];
  for (const row of rows) (sizeOf(row) < minSize ? small : kept).push(row);
  return small.length === 0 ? kept : [...kept, merge(small)];
}
