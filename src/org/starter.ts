/** What `mileage init` writes: every section, commented, valid as it stands (a test keeps it so). */
export const STARTER_ORG_FILE = `# mileage.yaml — who is who in your organisation, for Mileage.
# Identity is resolved when reports run, so editing this file re-attributes history without re-ingesting.
# Check it with: mileage org check

org: my-org

# Days and weeks (weeks start on Monday) are calendar days in this IANA time zone.
time_zone: UTC

privacy:
  # visible: people are named in reports; team: only to admins and to managers of their team;
  # hidden: never named, groups only.
  individuals: team
  # Groups smaller than this are merged into "other" in every output.
  min_group_size: 5

teams:
  - id: platform
    name: Platform
    # Optional, for ROI: loaded cost of one engineer per year, in USD.
    loaded_cost_per_engineer: 200000

people:
  - id: ana
    name: Ana Lima
    team: platform
    # Every name this person goes by in your tools; all optional.
    emails: [ana@example.com]
    git_names: [Ana Lima]
    logins: [ana-lima]              # GitHub / GitLab logins
    tracker_ids: []                 # Jira account ids, Linear user ids
    key_ids: []                     # provider API key ids used by this person (e.g. their Claude Code key)
    account_ids: []                 # provider account / user ids

# API keys and gateway virtual keys: who owns them and which workflow they serve.
keys:
  - id: apikey_01EXAMPLE
    name: alert-triage-prod
    owner: ana
    team: platform
    workflow: alert-triage
    workload_type: triage           # compared with peers of the same type (agentic-coding, review, triage…)

workflows:
  - id: alert-triage
    name: Alert triage
    outcome_kind: alert_triaged     # the outcome that measures this workflow's output
    quality_bar: "Severity matches the on-call's rating on 95% of alerts"
    team: platform

# Fixed subscription costs, spread over the days of each month and attributed to each assignee.
seats:
  - tool: copilot
    plan: business
    monthly_price: 19
    assignees: all                  # or a list of person ids
    # from: 2026-01-01              # optional, inclusive
    # until: 2026-12-31             # optional, exclusive

# Where a tool's usage is billed when its records do not say (e.g. Claude Code logs → your Anthropic workspace).
accounts:
  - tool: claude-code
    stream: anthropic:my-org:default

# Negotiated prices. Money is decimal; the latest-starting matching entry wins.
price_overrides: []
#  - provider: anthropic
#    discount_percent: 10
#    from: 2026-01-01
#  - model: my-fine-tuned-model
#    provider: self-hosted
#    input_per_mtok: 0.40
#    output_per_mtok: 1.60

# Real data sources. Secrets never go in this file: name the environment variable that holds them.
sources: {}
#  github: { token_env: GITHUB_TOKEN, repos: [my-org/api] }
`;
