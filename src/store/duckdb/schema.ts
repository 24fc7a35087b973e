/**
 * Versioned schema migrations for the DuckDB store. A migration is applied once, in order, inside a
 * transaction, and recorded in `schema_migrations`; never edit a released migration, add the next one.
 *
 * Money is DECIMAL(18,10): exact, and fine enough for the cheapest per-token prices. Identity values are
 * stored hashed (`*_hash`) with a redacted hint for display; no prompt or code content has a column.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, directory and meta',
    sql: `
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

CREATE TABLE usage (
  id VARCHAR PRIMARY KEY,
  source VARCHAR NOT NULL,
  stream VARCHAR,
  granularity VARCHAR NOT NULL,
  start_at TIMESTAMPTZ NOT NULL,
  end_at TIMESTAMPTZ NOT NULL,
  day DATE NOT NULL,
  tool VARCHAR,
  provider VARCHAR,
  model VARCHAR,
  input_tokens BIGINT NOT NULL,
  cache_read_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  requests BIGINT NOT NULL,
  cost DECIMAL(18,10),
  est_cost DECIMAL(18,10),
  cost_basis VARCHAR NOT NULL,
  price_ref VARCHAR,
  dedup_key VARCHAR,
  actor_hash VARCHAR,
  actor_hint VARCHAR,
  key_hash VARCHAR,
  key_hint VARCHAR,
  workspace VARCHAR,
  session_id VARCHAR,
  repo VARCHAR,
  branch VARCHAR,
  workflow VARCHAR,
  machine_id VARCHAR,
  tool_version VARCHAR
);

CREATE TABLE outcomes (
  id VARCHAR PRIMARY KEY,
  source VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  occurred_at TIMESTAMPTZ NOT NULL,
  day DATE NOT NULL,
  opened_at TIMESTAMPTZ,
  actor_hash VARCHAR,
  actor_hint VARCHAR,
  repo VARCHAR,
  ref VARCHAR,
  head_branch VARCHAR,
  linked_tickets VARCHAR[],
  additions BIGINT,
  deletions BIGINT,
  files BIGINT,
  effective_lines BIGINT,
  points DOUBLE,
  points_basis VARCHAR,
  ai_assisted BOOLEAN NOT NULL,
  ai_evidence VARCHAR,
  rework BOOLEAN NOT NULL,
  rework_reason VARCHAR,
  category VARCHAR NOT NULL,
  work_type VARCHAR,
  workflow VARCHAR,
  count BIGINT NOT NULL,
  value DECIMAL(18,10)
);

CREATE TABLE dir_teams (team_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, loaded_cost DECIMAL(18,10));
CREATE TABLE dir_people (person_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, team_id VARCHAR);
CREATE TABLE dir_aliases (alias_hash VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, person_id VARCHAR NOT NULL);
CREATE TABLE dir_keys (
  key_hash VARCHAR PRIMARY KEY, key_hint VARCHAR NOT NULL, name VARCHAR NOT NULL, owner VARCHAR, team_id VARCHAR,
  workflow_id VARCHAR, workload_type VARCHAR
);
CREATE TABLE dir_workflows (
  workflow_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, outcome_kind VARCHAR, quality_bar VARCHAR, team_id VARCHAR
);
CREATE TABLE dir_seats (
  tool VARCHAR NOT NULL, plan VARCHAR, monthly_price DECIMAL(18,10) NOT NULL, person_id VARCHAR NOT NULL,
  from_day DATE, until_day DATE
);
CREATE TABLE dir_accounts (tool VARCHAR PRIMARY KEY, stream VARCHAR NOT NULL);
`,
  },
  {
    version: 2,
    name: 'agent-log requests in usage, log file offsets',
    sql: `
-- usage loses its primary key: an ART index cost more than the rest of a bulk load together (1.3 s of
-- 1.6 s for 420k rows). Uniqueness is kept by every writer deleting the ids it writes, in one transaction.
-- Agent-log requests live here too, merged across every copy of a request (content-block lines, resumed
-- sessions, other machines); a replay of a request (collapse_key, replica) is kept but not counted.
CREATE TABLE usage_v2 AS SELECT *, NULL::VARCHAR AS collapse_key, false AS replica, NULL::VARCHAR AS cwd,
  true AS counted FROM usage;
DROP TABLE usage;
ALTER TABLE usage_v2 RENAME TO usage;
ALTER TABLE usage ALTER COLUMN replica SET DEFAULT false;
ALTER TABLE usage ALTER COLUMN counted SET DEFAULT true;

-- How far each log file has been read: a re-run reads only what was appended since.
CREATE TABLE log_files (
  path VARCHAR PRIMARY KEY,
  source VARCHAR NOT NULL,
  size BIGINT NOT NULL,
  mtime_ms DOUBLE NOT NULL,
  inode VARCHAR NOT NULL,
  read_offset BIGINT NOT NULL,
  lines BIGINT,
  tail_hash VARCHAR NOT NULL,
  state VARCHAR,
  problems BIGINT NOT NULL
);

-- Working directory → repository (its git remote, else the path), resolved once per directory.
CREATE TABLE cwd_repos (cwd VARCHAR PRIMARY KEY, repo VARCHAR NOT NULL);
`,
  },
  {
    version: 3,
    name: 'review timing, session → PR links, linked rework',
    sql: `
-- Review timing of PRs/MRs, as the forge reports it (GitHub reviews, GitLab approvals and notes).
ALTER TABLE outcomes ADD COLUMN first_review_at TIMESTAMPTZ;
ALTER TABLE outcomes ADD COLUMN approved_at TIMESTAMPTZ;
-- Derived from other facts after every ledger refresh (outcome-links.ts), never written by a source, so a
-- re-ingested record loses them and the next refresh puts them back: agent sessions that worked on the PR's
-- head branch (AI evidence), and rework because the PR fixes a bug ticket an earlier PR was linked to.
ALTER TABLE outcomes ADD COLUMN session_evidence VARCHAR;
ALTER TABLE outcomes ADD COLUMN linked_rework_reason VARCHAR;
-- Usage record → the merged PR whose head branch its session worked on (session → branch → PR).
CREATE TABLE pr_sessions (record_id VARCHAR NOT NULL, pr_id VARCHAR NOT NULL, session VARCHAR NOT NULL, tool VARCHAR);
`,
  },
  {
    version: 4,
    name: 'seats and seat activity synced from vendors',
    sql: `
-- Seats as the vendors list them (Copilot seats, Cursor members): one row per source, tool and holder,
-- updated by every sync. The holder is hashed like every identity; the price is the vendor's or the one
-- configured for the source (NULL = unpriced, never $0). The ledger charges them per person and day.
CREATE TABLE seat_records (
  id VARCHAR PRIMARY KEY,
  source VARCHAR NOT NULL,
  tool VARCHAR NOT NULL,
  actor_hash VARCHAR NOT NULL,
  actor_hint VARCHAR NOT NULL,
  plan VARCHAR,
  period_start DATE NOT NULL,
  period_end DATE,
  monthly_price DECIMAL(18,10),
  basis VARCHAR NOT NULL,
  last_activity TIMESTAMPTZ,
  cycle_start TIMESTAMPTZ,
  cycle_spend DECIMAL(18,10),
  synced_at TIMESTAMPTZ NOT NULL
);

-- Days a seat holder used the tool, from reports that carry no spend (Copilot usage metrics, Cursor daily
-- usage, Claude Code analytics): what tells a used seat from an idle one.
CREATE TABLE seat_activity (
  id VARCHAR PRIMARY KEY,
  source VARCHAR NOT NULL,
  tool VARCHAR NOT NULL,
  actor_hash VARCHAR NOT NULL,
  actor_hint VARCHAR NOT NULL,
  day DATE NOT NULL,
  interactions BIGINT NOT NULL
);
`,
  },
  {
    version: 5,
    name: 'team tag on usage (FOCUS Tags, gateway tags)',
    sql: `
-- A team named at issuance (a FOCUS row's Tags.team, a gateway tag): the strongest evidence of whose spend
-- it is, ahead of the key's and the person's team. Null for every record written before.
ALTER TABLE usage ADD COLUMN IF NOT EXISTS team_tag VARCHAR;
`,
  },
  {
    version: 6,
    name: 'API tokens',
    sql: `
-- API tokens of \`mileage serve\`: only a SHA-256 of each token is kept (tokens are 32 random bytes, shown
-- once when made); teams scope a manager's token.
CREATE TABLE api_tokens (
  id VARCHAR PRIMARY KEY,
  name VARCHAR,
  role VARCHAR NOT NULL,
  teams VARCHAR[],
  token_hash VARCHAR NOT NULL UNIQUE,
  created_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ,
  last_used_at TIMESTAMPTZ
);
`,
  },
  {
    version: 7,
    name: 'delivery unit kind',
    sql: `
-- How each delivery unit reached the default branch: forge (a PR/MR as the forge reports it), merge, squash,
-- rebase or direct_push (read from git). Direct pushes are stored as kind 'direct_push', not 'pr_merged'.
ALTER TABLE outcomes ADD COLUMN IF NOT EXISTS unit_kind VARCHAR;
UPDATE outcomes SET unit_kind = 'forge' WHERE source IN ('github', 'gitlab') AND kind = 'pr_merged';
-- Units read from git before this version hold no unit kind (and direct pushes as merged PRs): forgetting
-- the cursors makes the next \`ingest git\` read each repository again, which replaces them by id.
DELETE FROM meta WHERE key LIKE 'git_cursor:%';
`,
  },
  {
    version: 8,
    name: 'every billed dimension on usage (cache write 1h, audio, server tools, tiers, geography, speed)',
    sql: `
-- Parts of the token totals priced apart (1-hour cache writes within cache_write_tokens, audio within input and
-- output), server-tool requests by kind, and how the request was served. Added without a default first, so
-- every row stored before reads NULL ("not known"), then defaulted to 0 for what is written from now on.
ALTER TABLE usage ADD COLUMN IF NOT EXISTS cache_write_1h_tokens BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS audio_input_tokens BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS audio_output_tokens BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS web_search_requests BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS web_fetch_requests BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS code_execution_requests BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS service_tier VARCHAR;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS batch BOOLEAN;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS context_tier VARCHAR;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS inference_geo VARCHAR;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS speed VARCHAR;
-- What the stored counts already say: no cache write means no 1-hour cache write, and a source whose format
-- has no such dimension never had one to lose. Only rows of sources that report a dimension Mileage did not
-- keep stay NULL (Claude Code transcripts and the Anthropic usage report: the 1h split and server tools; the
-- OpenAI usage report: audio, batch and service tier): they need a re-ingest (see dimensionGaps).
UPDATE usage SET cache_write_1h_tokens = 0
  WHERE cache_write_tokens = 0 OR source NOT IN ('claude-code-logs', 'anthropic-usage-report');
UPDATE usage SET audio_input_tokens = 0, audio_output_tokens = 0 WHERE source <> 'openai-usage-completions';
UPDATE usage SET web_search_requests = 0, web_fetch_requests = 0, code_execution_requests = 0
  WHERE source NOT IN ('claude-code-logs', 'anthropic-usage-report');
ALTER TABLE usage ALTER COLUMN cache_write_1h_tokens SET DEFAULT 0;
ALTER TABLE usage ALTER COLUMN audio_input_tokens SET DEFAULT 0;
ALTER TABLE usage ALTER COLUMN audio_output_tokens SET DEFAULT 0;
ALTER TABLE usage ALTER COLUMN web_search_requests SET DEFAULT 0;
ALTER TABLE usage ALTER COLUMN web_fetch_requests SET DEFAULT 0;
ALTER TABLE usage ALTER COLUMN code_execution_requests SET DEFAULT 0;
-- Claude Code transcripts still on disk are read again from the start by the next ingest (ids are stable, so
-- each request is replaced, not added): their requests gain the 1h split and server tools by themselves.
DELETE FROM log_files WHERE source = 'claude-code-logs';
`,
  },
  {
    version: 9,
    name: 'line-level churn of delivery units',
    sql: `
-- Units read from git inside the rework window: lines changed (each once) and how many of the lines they
-- rewrote or deleted were merged less than 21 days before (quality.churn_share). NULL: not measured.
ALTER TABLE outcomes ADD COLUMN IF NOT EXISTS changed_lines BIGINT;
ALTER TABLE outcomes ADD COLUMN IF NOT EXISTS young_lines BIGINT;
`,
  },
  {
    version: 10,
    name: 'model-selection audit runs',
    sql: `
-- An audit run's verdicts and figures (src/audit): no request or answer content, which stays in the run's
-- directory on the machine that ran it. result_json holds the evaluation (case ids, never text).
CREATE TABLE IF NOT EXISTS audit_runs (
  id VARCHAR PRIMARY KEY,
  workflow VARCHAR NOT NULL,
  bar_version INTEGER NOT NULL,
  finished_at TIMESTAMPTZ NOT NULL,
  cases INTEGER NOT NULL,
  incumbent VARCHAR NOT NULL,
  audit_cost DECIMAL(18,10),
  result_json VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_verdicts (
  run_id VARCHAR NOT NULL,
  candidate VARCHAR NOT NULL,
  verdict VARCHAR NOT NULL,
  requirement VARCHAR NOT NULL,
  passed INTEGER NOT NULL,
  n INTEGER NOT NULL,
  rate DOUBLE NOT NULL,
  rate_low DOUBLE NOT NULL,
  rate_high DOUBLE NOT NULL,
  required DOUBLE NOT NULL,
  cost_per_case DECIMAL(18,10),
  monthly_saving DECIMAL(18,2),
  PRIMARY KEY (run_id, candidate)
);
`,
  },
  {
    version: 11,
    name: 'quality bars written through the API',
    sql: `
-- A workflow's quality bar as an admin wrote it through PUT /api/v1/quality-bars/:workflow, one row per
-- version (src/audit/stored-bars.ts). The same version sequence as mileage.yaml's bars: a version names one
-- bar wherever it was written, and audit runs name the version they were scored against.
-- content_sha256: the bar without its version, canonical JSON, so an identical PUT keeps its version.
-- Who wrote it is not kept: audit outputs never name a person.
CREATE TABLE IF NOT EXISTS quality_bars (
  workflow VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  content_sha256 VARCHAR NOT NULL,
  bar_json VARCHAR NOT NULL,
  written_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (workflow, version)
);
`,
  },
  {
    version: 12,
    name: 'budgets and alert history',
    sql: `
-- Budgets set through the API (those of mileage.yaml are read from the file each time). They alert, never block.
CREATE TABLE IF NOT EXISTS budgets (
  id VARCHAR PRIMARY KEY,
  scope VARCHAR NOT NULL,
  subject VARCHAR NOT NULL,
  amount DECIMAL(18,10) NOT NULL,
  period VARCHAR NOT NULL,
  thresholds VARCHAR NOT NULL,
  forecast BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
-- One row per alert: rule, subject and period name it (one alert each), level is the highest raised so far
-- (a budget's 80 then 100): a message goes out when a row is made or its level rises. message_json is the
-- body as sent, already written for its audience under the privacy settings.
CREATE TABLE IF NOT EXISTS alerts (
  id VARCHAR PRIMARY KEY,
  rule VARCHAR NOT NULL,
  subject VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  level INTEGER NOT NULL,
  severity VARCHAR NOT NULL,
  team_id VARCHAR,
  route VARCHAR NOT NULL,
  title VARCHAR NOT NULL,
  message_json VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  raised_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  notifications INTEGER NOT NULL,
  deliveries_json VARCHAR,
  acknowledged_at TIMESTAMPTZ,
  acknowledged_by VARCHAR
);
-- A rule and subject muted until a time: alerts are still recorded (state muted), none is sent.
CREATE TABLE IF NOT EXISTS alert_mutes (
  rule VARCHAR NOT NULL,
  subject VARCHAR NOT NULL,
  until_at TIMESTAMPTZ NOT NULL,
  muted_by VARCHAR,
  PRIMARY KEY (rule, subject)
);
`,
  },
  {
    version: 13,
    name: 'epics: the parent of a ticket and when work on it started',
    sql: `
-- Epic lead time (metrics/epic-lead-time.ts): a ticket or PR names the epic it belongs to (a Jira epic key, a
-- Linear project id, a GitHub milestone), and the time work on it started where the tracker records it.
-- Rows stored before stay null: their epics' lead time starts at the children's opened_at until re-synced.
ALTER TABLE outcomes ADD COLUMN IF NOT EXISTS parent_ref VARCHAR;
ALTER TABLE outcomes ADD COLUMN IF NOT EXISTS started_at TIMESTAMPTZ;
`,
  },
  {
    version: 14,
    name: 'experiments written through the API',
    sql: `
-- Experiments an admin wrote through POST/PUT /api/v1/experiments (those of mileage.yaml are read from the file
-- each time). entry_json is the experiment as written (the same fields as mileage.yaml's experiments:), checked
-- again on every read against the directory of the day. Who wrote it is not kept.
CREATE TABLE IF NOT EXISTS experiments (
  id VARCHAR PRIMARY KEY,
  entry_json VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    version: 15,
    name: 'how the gateway served each request',
    sql: `
-- A gateway request record's operational facts (src/gateway/record.ts): the HTTP status the client was
-- answered with, the latency to the answer's last byte and to its first (time to first token), and whether
-- the client went away before the end. NULL on every other source's rows, which report none of them.
ALTER TABLE usage ADD COLUMN IF NOT EXISTS status BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS latency_ms BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS ttft_ms BIGINT;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS client_aborted BOOLEAN;
`,
  },
  {
    version: 16,
    name: "teams' coach and manager",
    sql: `
-- Who owns a team's next steps (mileage.yaml teams[].coach and manager, person ids): the weekly diagnostic
-- gives each action an owner from them. Null until the org file is loaded again.
ALTER TABLE dir_teams ADD COLUMN IF NOT EXISTS coach_id VARCHAR;
ALTER TABLE dir_teams ADD COLUMN IF NOT EXISTS manager_id VARCHAR;
`,
  },
  {
    version: 17,
    name: 'capacity: the days people are away',
    sql: `
-- Capacity per person and day from calendars (Google Calendar: out-of-office and all-day busy events), so that
-- delivery per engineer counts available engineer-days. One row per calendar event and day it covers, with the
-- share of the working day it takes (1 or 0.5); a re-sync of the event replaces its rows (event_key), so a moved
-- or cancelled absence leaves nothing behind. The owner is hashed like every identity; no title, description or
-- attendee has a column.
CREATE TABLE IF NOT EXISTS absence_days (
  id VARCHAR PRIMARY KEY,
  event_key VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  actor_hash VARCHAR NOT NULL,
  actor_hint VARCHAR NOT NULL,
  day DATE NOT NULL,
  kind VARCHAR NOT NULL,
  fraction DOUBLE NOT NULL,
  synced_at TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    version: 18,
    name: 'active users a vendor counts per project and day',
    sql: `
-- Gemini Code Assist's active users per project and day as Cloud Monitoring counts them, daily and over 28 days
-- (period_days 1 or 28), without naming anyone: the seat view sets the licences bought against them. A re-sync of
-- the same project, period and day replaces its count (id). team_tag is the team the source's settings give the
-- project, null when none.
CREATE TABLE IF NOT EXISTS reported_active_users (
  id VARCHAR PRIMARY KEY,
  source VARCHAR NOT NULL,
  tool VARCHAR NOT NULL,
  workspace VARCHAR NOT NULL,
  team_tag VARCHAR,
  day DATE NOT NULL,
  period_days INTEGER NOT NULL,
  users BIGINT NOT NULL,
  synced_at TIMESTAMPTZ NOT NULL
);
`,
  },
];
