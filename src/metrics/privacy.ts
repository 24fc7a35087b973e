import type { Privacy } from '../domain/directory.js';
import type { Viewer } from './metric.js';

/**
 * Whether a viewer may see people by name in aggregate views. `visible`: everyone; `team`: the local owner,
 * admins, and managers (for their teams; per-person rows of other teams fall back to team level); `hidden`:
 * nobody — only groups of at least `min_group_size`.
 */
export function namesPeople(privacy: Privacy, viewer: Viewer): boolean {
  switch (privacy.individuals) {
    case 'visible':
      return true;
    case 'team':
      return viewer.role === 'owner' || viewer.role === 'admin' || viewer.role === 'manager';
    case 'hidden':
      return false;
    default:
      privacy.individuals satisfies never;
      return false;
  }
}
