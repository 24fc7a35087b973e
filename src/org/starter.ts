/**
 * What `mileage init` writes: every section, commented, valid as it stands (starter.test.ts keeps it so).
 *
 * Sections that would change numbers if left unedited (seats add cost, accounts move spend between streams,
 * price overrides change prices, sources pull data) are empty, with their example commented out below them.
 * Example lines start with "#" directly followed by the YAML indentation, so removing the "#" (or replacing
 * it with a space) gives valid YAML; the test uncomments them all and checks that too.
 */
export const STARTER_ORG_FILE = `# mileage.yaml: who is who in your organisation, for Mileage.
# Identity is resolved when reports run, so editing this file re-attributes past spend and work without
# re-ingesting anything. Check it with: mileage org check
# Secrets never go in this file (it is meant to be committed): name the environment variable instead.
# Sections left empty ([] or {}) have an example below them: to use it, delete the [] or {} and the "#"
# at the start of each example line.

# Your organisation's name, as shown on reports.
org: my-org

# Days and weeks (weeks start on Monday) are calendar days in this IANA time zone. Default: UTC.
time_zone: UTC

privacy:
  # Who may see individual people's numbers:
  #   visible: everyone sees names;
  #   team:    only admins, and managers of the person's own team (the default);
  #   hidden:  nobody, not even admins: people only appear inside groups.
  individuals: team
  # Any group (team, workflow, cohort) with fewer people than this is merged into "other" in every
  # output, so small groups cannot point at individuals. Default: 5.
  min_group_size: 5

teams:
  - id: platform                    # letters, digits, ".", "_" or "-"; referenced from the sections below
    name: Platform
    # Optional, for return on investment: loaded cost of one engineer per year, in USD.
    loaded_cost_per_engineer: 200000

people:
  - id: ana
    name: Ana Lima
    team: platform                  # a team id from above
    # Every name this person goes by in your tools, so their spend and work join up. All optional;
    # each value may belong to one person only (compared ignoring case).
    emails: [ana@example.com]       # commit, provider and SSO emails
    git_names: [Ana Lima]           # commit author names
    logins: [ana-lima]              # GitHub / GitLab logins
    tracker_ids: []                 # Jira account ids, Linear user ids
    key_ids: []                     # provider API key ids only this person uses (e.g. their Claude Code key)
    account_ids: []                 # provider account / user ids

# API keys and gateway virtual keys: who owns each one and which workflow it serves.
keys:
  - id: apikey_01EXAMPLE            # the provider's key id, or the gateway's virtual key name
    name: alert-triage-prod
    owner: ana                      # optional person id
    team: platform                  # optional team id
    workflow: alert-triage          # optional workflow id
    workload_type: triage           # optional: compared with peers of the same type (agentic-coding, review…)

# Workflows: AI work measured by its own outcome rather than by pull requests.
workflows:
  - id: alert-triage
    name: Alert triage
    outcome_kind: alert_triaged     # the outcome records that count this workflow's output
    quality_bar: "Severity matches the on-call's rating on 95% of alerts"   # what a cheaper model must clear
    team: platform

# Subscriptions (Copilot, Cursor, Claude Max…): the seat price is the authoritative cost of that tool's usage.
# Each assignee is charged one seat per month. Dates are optional: from inclusive, until exclusive.
seats: []
#  - tool: copilot
#    plan: business
#    monthly_price: 19              # USD per seat per month
#    assignees: all                 # or a list of person ids, such as [ana]
#    from: 2026-01-01
#    until: 2027-01-01

# The billing account a tool's usage belongs to when its records do not say (e.g. Claude Code logs).
# Without one, such usage stays a list-price estimate in a stream of its own, labelled as such.
accounts: []
#  - tool: claude-code
#    stream: anthropic:my-org       # <provider>:<account>

# Negotiated prices: a discount on a whole provider, or a price for one model (USD per million tokens).
# Money is decimal, exactly as written. Dates are optional: from inclusive, until exclusive.
price_overrides: []
#  - provider: anthropic
#    discount_percent: 10           # 10% off list price
#    from: 2026-01-01
#  - model: my-fine-tuned-model
#    provider: self-hosted          # optional
#    input_per_mtok: 0.40
#    output_per_mtok: 1.60
#    cache_read_per_mtok: 0.04      # optional
#    cache_write_per_mtok: 0.50     # optional

# Expected tokens per dollar of a kind of work: each workload of the type is judged against it. A type
# without one is compared with the other workloads of its type; a workload alone in its type has no peers.
workload_types: []
#  - type: triage
#    tokens_per_dollar: { low: 500000, high: 2000000 }

# Real data sources, each with its own settings. A secret is never written here: put it in an environment
# variable and give the variable's name in a field ending in _env.
# Agent logs are read by \`mileage ingest\`; the APIs below by \`mileage sync\` (docs/syncing.md in
# Mileage's repository). Keep the entries you use.
sources: {}
#  claude_code: { path: ~/.claude }
#  # Delivered work: merged PRs and closed tickets.
#  github:
#    token_env: GITHUB_TOKEN        # the NAME of the variable holding the token, never the token
#    repos: [my-org/api]
#  jira:
#    token_env: JIRA_API_TOKEN
#    email: mileage-bot@example.com # Basic email:token; leave out for an OAuth Bearer token
#    base_url: https://my-org.atlassian.net
#  # Documents published (a documentation workload is measured on documents, not PRs).
#  confluence:
#    token_env: CONFLUENCE_TOKEN
#    email: mileage-bot@example.com
#    base_url: https://my-org.atlassian.net
#    spaces: [DOCS]
#  # AI spend as the vendors report and bill it (admin keys).
#  anthropic:
#    type: anthropic-admin
#    token_env: ANTHROPIC_ADMIN_KEY # sk-ant-admin01-…
#  openai:
#    type: openai-admin
#    token_env: OPENAI_ADMIN_KEY
#  cursor:
#    type: cursor-admin
#    token_env: CURSOR_ADMIN_KEY
#    seat_price: 40                 # USD per member per month: the API has no prices
#  copilot:
#    token_env: GH_COPILOT_TOKEN    # manage_billing:copilot / read:org
#    org: my-org
#    seat_prices: { business: 19, enterprise: 39 }
`;
