import { OUTCOMES_TABLE } from '../tables/outcomes-table.js';
import { USAGE_TABLE } from '../tables/usage-table.js';
import type { TableSpec } from '../tables/columns.js';
import type { SqlDialect } from './dialect.js';

/**
 * A catalog table's columns from `alias`, each named as it is: ClickHouse names the columns of `alias.*`
 * after their table (`up.source`) when another joined relation has a column of the same name.
 */
function columnsOf(table: TableSpec, alias: string): string {
  return table.columns.map((c) => `${alias}.${c.name} AS ${c.name}`).join(', ');
}

/**
 * Without an org file (no person in the directory) each actor identity is a person of its own, keyed by its
 * hash: a solo user's agent spend and merged PRs then meet in one person bucket, so every person-based metric
 * (cost per merged PR first) computes the figure `mileage scan` prints. With an org file, an identity the
 * file does not name stays unattributed, as the file is the only source of who is who.
 */
export function undirectedPerson(actorHash: string): string {
  return `CASE WHEN ${actorHash} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dir_people) THEN 'actor:' || ${actorHash} END`;
}

/** The columns of the outcomes_identity view: the outcome's, then who and which team. */
export const OUTCOMES_IDENTITY_COLUMNS: readonly string[] = [
  ...OUTCOMES_TABLE.columns.map((c) => c.name),
  'person_id',
  'team_id',
];

/** How a statement names the fact tables: DuckDB reads them as they are, ClickHouse through `FINAL`. */
export interface FactRelations {
  usage: string;
  outcomes: string;
}

/**
 * Identity-resolved views, one statement each, for either engine. Identity resolves at query time (alias →
 * person → team; key → owner, team, workflow), so editing mileage.yaml re-attributes history without
 * re-ingesting.
 */
export function identityViews(d: SqlDialect, facts: FactRelations): string[] {
  return [
    `CREATE OR REPLACE VIEW usage_persons AS
SELECT ${columnsOf(USAGE_TABLE, 'u')},
  coalesce(actor_alias.person_id, k.owner, key_alias.person_id, ${undirectedPerson('u.actor_hash')}) AS person_id,
  k.team_id AS key_team_id,
  coalesce(u.workflow, k.workflow_id) AS workflow_id,
  k.name AS key_name,
  k.workload_type AS workload_type
FROM (SELECT * FROM ${facts.usage} WHERE counted) u
LEFT JOIN dir_aliases actor_alias ON actor_alias.alias_hash = u.actor_hash
LEFT JOIN dir_keys k ON k.key_hash = u.key_hash
LEFT JOIN dir_aliases key_alias ON key_alias.alias_hash = u.key_hash`,

    // Every seat paid for: those vendors list (seat_records, resolved to people through the aliases) and those
    // mileage.yaml declares. A vendor's seat takes the place of the file's seats of the same tool and person
    // (the vendor knows who holds one); the file's price fills in a vendor seat that has none. A holder the
    // directory does not know keeps the hashed identity as holder, so the seat is charged, never dropped.
    `CREATE OR REPLACE VIEW seat_holdings AS
WITH synced AS (
  SELECT r.tool AS tool, r.plan AS plan, a.person_id AS person_id, coalesce(a.person_id, r.actor_hash) AS holder,
    r.actor_hint AS actor_hint, r.monthly_price AS monthly_price, r.period_start AS from_day,
    r.period_end AS until_day, r.source AS source, r.last_activity AS last_activity, r.cycle_start AS cycle_start,
    r.cycle_spend AS cycle_spend
  FROM seat_records r LEFT JOIN dir_aliases a ON a.alias_hash = r.actor_hash
)
SELECT d.tool AS tool, d.plan AS plan, d.person_id AS person_id, d.person_id AS holder, ${d.nullOf('text')} AS actor_hint,
  d.monthly_price AS monthly_price, d.from_day AS from_day, d.until_day AS until_day, 'mileage.yaml' AS source,
  ${d.nullOf('timestamp')} AS last_activity, ${d.nullOf('timestamp')} AS cycle_start, ${d.nullOf('money')} AS cycle_spend
FROM dir_seats d
WHERE NOT EXISTS (SELECT 1 FROM synced s WHERE s.tool = d.tool AND s.person_id = d.person_id)
UNION ALL
SELECT s.tool, s.plan, s.person_id, s.holder, s.actor_hint,
  coalesce(s.monthly_price, (SELECT max(d.monthly_price) FROM dir_seats d WHERE d.tool = s.tool AND d.person_id = s.person_id)),
  s.from_day, s.until_day, s.source, s.last_activity, s.cycle_start, s.cycle_spend
FROM synced s`,

    // A record that does not name its billing account belongs to the person's seat for that tool when they
    // have one that day, else to the org's default account for the tool, else to a labelled stream of its own.
    // Copilot CLI runs under the person's Copilot seat (tool copilot, as GitHub's seat list names it). A record of
    // no tool (the gateway's) is under its source's name there: `accounts: [{tool: gateway, …}]` puts the
    // gateway's requests in the provider's stream, where a BYOK agent's copies of the same requests are the same
    // cell's spend, counted once.
    `CREATE OR REPLACE VIEW usage_identity AS
SELECT ${columnsOf(USAGE_TABLE, 'up')}, up.person_id AS person_id, up.key_team_id AS key_team_id,
  up.workflow_id AS workflow_id, up.key_name AS key_name, up.workload_type AS workload_type,
  coalesce(up.team_tag, up.key_team_id, p.team_id) AS team_id,
  coalesce(
    up.stream,
    CASE WHEN s.person_id IS NOT NULL THEN 'seat:' || s.tool || ':' || up.person_id END,
    acc.stream,
    'unassigned:' || coalesce(up.tool, up.source)
  ) AS stream_resolved
FROM usage_persons up
LEFT JOIN dir_people p ON p.person_id = up.person_id
LEFT JOIN seat_holdings s ON up.stream IS NULL AND s.person_id IS NOT NULL AND s.person_id = up.person_id
  AND s.tool = CASE up.tool WHEN 'copilot-cli' THEN 'copilot' ELSE up.tool END
  AND (s.from_day IS NULL OR up.day >= s.from_day) AND (s.until_day IS NULL OR up.day < s.until_day)
LEFT JOIN dir_accounts acc ON acc.tool = coalesce(up.tool, up.source)`,

    // An outcome's team: its workflow's, when the directory gives the workflow a team (a workflow's output
    // belongs to the team that runs it, as a key's spend belongs to the key's team; documents of a Confluence
    // space or a Notion database mapped to a workflow count for that workflow's team), else its actor's.
    `CREATE OR REPLACE VIEW outcomes_identity AS
SELECT ${columnsOf(OUTCOMES_TABLE, 'o')}, coalesce(a.person_id, ${undirectedPerson('o.actor_hash')}) AS person_id,
  coalesce(w.team_id, p.team_id) AS team_id
FROM ${facts.outcomes} o
LEFT JOIN dir_aliases a ON a.alias_hash = o.actor_hash
LEFT JOIN dir_people p ON p.person_id = a.person_id
LEFT JOIN dir_workflows w ON w.workflow_id = o.workflow`,

    `CREATE OR REPLACE VIEW people AS
SELECT p.person_id AS person_id, p.name AS name, p.team_id AS team_id, t.name AS team_name
FROM dir_people p LEFT JOIN dir_teams t ON t.team_id = p.team_id`,
  ];
}
