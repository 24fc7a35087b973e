import type { Privacy } from '../domain/directory.js';
import type { IsoDay } from '../domain/time.js';
import type { Viewer } from '../org/privacy.js';
import type { Db } from '../store/db.js';
import type { GovernanceSettings } from './config.js';

/** What every rule reads: the store, the settings, the day evaluated and how to name things in a body. */
export interface RuleContext {
  db: Db;
  settings: GovernanceSettings;
  privacy: Privacy;
  /** The audience alert bodies are written for (alerts.audience: an org-wide viewer by default). */
  viewer: Viewer;
  /** The last org-local day evaluated (inclusive): today, or the data's last day in tests and benches. */
  asOf: IsoDay;
  /** A team as the audience may see it: its name, or "a team" when it is below the minimum group size. */
  teamLabel(teamId: string | null): string;
  /** Whether the id is a team of the directory (not a folded "other" group). */
  knownTeam(id: string): boolean;
  /** Whether a body may name a person of this team. */
  mayName(teamId: string | null): boolean;
}
