import type { Privacy } from '../domain/directory.js';
import { personVisibility, type Viewer } from '../org/privacy.js';

/**
 * Whether an aggregate view may name people for this viewer. Rows are not tied to one team here, so a
 * manager (named only for their own teams) sees team-level rows; the org's privacy rules decide the rest.
 */
export function namesPeople(privacy: Privacy, viewer: Viewer): boolean {
  return personVisibility(privacy, viewer, null) === 'named';
}
