import { namesPeople } from '../../metrics/privacy.js';
import type { Principal } from '../tokens.js';
import type { ServerDeps } from '../deps.js';
import { personRedactor } from './redact-people.js';
import { principalAs, viewerOf } from './scope.js';

/** A workflow as the org file names it: its label and owning team. */
export interface WorkflowEntry {
  name: string;
  team: string | null;
}

/** What audit answers may show to one caller: which workflows, and the text filter that keeps people out. */
export interface AuditScope {
  /** Whether the audience may see this workflow's bars and runs. */
  sees(workflow: string): boolean;
  /** The workflow's label from the org file (its id when the file does not list it). */
  label(workflow: string): string;
  /** Replaces person names and ids in free text when this audience may not see people. */
  redact: (text: string) => string;
  /** The workflows of the org file this audience sees, for listing those without a bar. */
  workflows: string[];
}

function workflowDirectory(deps: ServerDeps): Promise<Map<string, WorkflowEntry>> {
  return deps.cache.value('audit|workflows', async () => {
    const rows = await deps.db.query(
      'SELECT workflow_id, name, team_id FROM dir_workflows ORDER BY workflow_id',
    );
    return new Map(
      rows.map((r) => [
        String(r.workflow_id),
        { name: String(r.name), team: r.team_id === null ? null : String(r.team_id) },
      ]),
    );
  });
}

function personIdentifiers(deps: ServerDeps): Promise<string[]> {
  return deps.cache.value('audit|people', async () => {
    const rows = await deps.db.query('SELECT person_id, name FROM dir_people');
    return rows.flatMap((r) => [String(r.person_id), String(r.name)]);
  });
}

/**
 * The audit scope of a request. Admins and viewers see every workflow's audits (they hold no one's spend:
 * verdicts, rates, costs per case); a manager sees the workflows the org file gives to their teams. Where
 * individuals are hidden from the audience (privacy settings, `audience=viewer`), person names are redacted.
 */
export async function auditScope(deps: ServerDeps, caller: Principal, url: URL): Promise<AuditScope> {
  const p = principalAs(caller, url.searchParams.get('audience'));
  const viewer = viewerOf(p);
  const directory = await workflowDirectory(deps);
  const teams = viewer.role === 'manager' ? new Set(viewer.teams) : null;
  const sees = (workflow: string) => {
    if (teams === null) return true;
    const team = directory.get(workflow)?.team ?? null;
    return team !== null && teams.has(team);
  };
  const redact = namesPeople(deps.privacy, viewer)
    ? (text: string) => text
    : personRedactor(await personIdentifiers(deps));
  return {
    sees,
    label: (workflow) => directory.get(workflow)?.name ?? workflow,
    redact,
    workflows: [...directory.keys()].filter(sees),
  };
}
