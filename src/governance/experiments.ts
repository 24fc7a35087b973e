import { err, ok, type Result } from '../domain/result.js';
import { fieldName, type OrgFileIssue } from '../org/issue.js';
import type { Db } from '../store/db.js';
import { validateExperiment, type Experiment } from './experiment-config.js';
import { loadExperiments } from './experiment-file.js';
import { listStoredExperiments } from './experiment-store.js';

export interface ExperimentsInForce {
  experiments: Experiment[];
  /** API-written experiments that no longer validate (a team since removed from the directory): named, not dropped. */
  problems: string[];
}

/** The directory's team ids as loaded into the store. */
export async function storedTeamIds(db: Db): Promise<Set<string>> {
  return new Set((await db.query('SELECT team_id FROM dir_teams')).map((r) => String(r.team_id)));
}

/**
 * Every experiment in force: mileage.yaml's (read again on each call, so an edit is seen without a restart)
 * then those written through the API. An id in both is the file's: the API refuses to write over it.
 */
export async function experimentsInForce(
  db: Db,
  orgFile: string | null,
): Promise<Result<ExperimentsInForce, OrgFileIssue[]>> {
  const fromFile = orgFile ? await loadExperiments(orgFile) : ok<Experiment[]>([]);
  if (!fromFile.ok) return err(fromFile.error);
  const teams = await storedTeamIds(db);
  const problems: string[] = [];
  const experiments = [...fromFile.value];
  for (const stored of await listStoredExperiments(db)) {
    if (experiments.some((e) => e.id === stored.id)) continue;
    const checked = validateExperiment(stored.entry, teams, 'api');
    if (checked.ok) experiments.push(checked.value);
    else
      problems.push(
        `experiment ${stored.id} (written through the API) no longer validates: ${checked.issues.map((i) => `${fieldName(i.path)}: ${i.message}`).join('; ')}`,
      );
  }
  return ok({ experiments, problems });
}

/**
 * Whether a viewer may read an experiment: a manager only one whose treatment and control teams are all
 * theirs (its figures compare teams side by side); everyone else any.
 */
export function mayRead(e: Experiment, viewer: { role: string; teams?: readonly string[] }): boolean {
  if (viewer.role !== 'manager') return true;
  const mine = new Set(viewer.teams ?? []);
  return [...e.treatment, ...e.control].every((t) => mine.has(t));
}
