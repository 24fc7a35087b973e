import type { OrgDirectory } from '../../domain/directory.js';
import { identityHash, redact } from '../../domain/ids.js';
import { toStorage } from '../../domain/money.js';

/** One directory table's rows, in the column names of its catalog entry (tables/directory-tables.ts). */
export type DirectoryRows = Record<
  'dir_teams' | 'dir_people' | 'dir_aliases' | 'dir_keys' | 'dir_workflows' | 'dir_seats' | 'dir_accounts',
  Record<string, string | number | null>[]
>;

/**
 * The org file as the directory's tables, the same rows for either engine: identities hashed (a key's hint is
 * redacted), money as exact decimal text. Each load replaces every table whole.
 */
export function directoryRows(dir: OrgDirectory): DirectoryRows {
  return {
    dir_teams: dir.teams.map((t) => ({
      team_id: t.id,
      name: t.name,
      loaded_cost: t.loadedCostPerEngineer ? toStorage(t.loadedCostPerEngineer) : null,
      coach_id: t.coach ?? null,
      manager_id: t.manager ?? null,
    })),
    dir_people: dir.people.map((p) => ({ person_id: p.id, name: p.name, team_id: p.team })),
    // The same value may be listed twice for one person (login `ana`, git name `ana`): one alias row each.
    dir_aliases: [
      ...new Map(
        dir.people.flatMap((p) =>
          p.aliases.map(
            (a) =>
              [
                identityHash(a.value),
                { alias_hash: identityHash(a.value), kind: a.kind, person_id: p.id },
              ] as const,
          ),
        ),
      ).values(),
    ],
    dir_keys: dir.keys.map((k) => ({
      key_hash: identityHash(k.id),
      key_hint: redact(k.id),
      name: k.name,
      owner: k.owner,
      team_id: k.team,
      workflow_id: k.workflow,
      workload_type: k.workloadType,
    })),
    dir_workflows: dir.workflows.map((w) => ({
      workflow_id: w.id,
      name: w.name,
      outcome_kind: w.outcomeKind,
      quality_bar: w.qualityBar,
      team_id: w.team,
    })),
    dir_seats: dir.seats.flatMap((s) =>
      s.assignees.map((person) => ({
        tool: s.tool,
        plan: s.plan,
        monthly_price: toStorage(s.monthlyPrice),
        person_id: person,
        from_day: s.from,
        until_day: s.until,
      })),
    ),
    dir_accounts: dir.accounts.map((a) => ({ tool: a.tool, stream: a.stream })),
  };
}

/** What a directory load records besides the tables (the org, its privacy and workload bands). */
export function directoryMeta(dir: OrgDirectory): [string, string][] {
  return [
    ['org', dir.org],
    ['privacy_individuals', dir.privacy.individuals],
    ['privacy_min_group_size', String(dir.privacy.minGroupSize)],
    ['workload_bands', JSON.stringify(dir.workloadBands ?? [])],
  ];
}
