import type { MetricDefinition } from './metric.js';

/**
 * The return metrics of the catalog (spend shape, efficiency bands, effectiveness, concentration, quadrant,
 * quality tax, trajectory, allocation, what-if, ROI, coverage). Each is computed by a query module named in
 * src/metrics/registry.ts.
 */
export const RETURN_METRICS = [
  {
    id: 'spend.calendar',
    title: 'Daily spend calendar',
    question: 'How did spend fall day by day over the past year?',
    formula: 'Σ ledger.cost per day, for the 365 days ending with the window; days without spend are 0',
    unit: 'USD per day',
    direction: 'neutral',
    caveats: ['Seat charges are spread evenly over the days of their month.'],
    minSample: 'none',
  },
  {
    id: 'spend.model_mix',
    title: 'Model mix over time',
    question: 'Which models is the money going to, week by week?',
    formula: 'Σ ledger.cost per week and model ÷ Σ ledger.cost of the week (and the same for tokens)',
    unit: 'share of the week',
    direction: 'neutral',
    caveats: ['Seat charges not yet allocated to usage have no model ("unknown").'],
    minSample: 'none',
  },
  {
    id: 'spend.seat_utilisation',
    title: 'Seat utilisation and idle seats',
    question: 'Are the seats we pay for used, and which are idle?',
    formula:
      'per seat: days its holder used its tool ÷ days paid in the window; idle = no use in the 30 days before the window ends; idle cost = its monthly price; beside them, active users a vendor counts per project (mean daily, latest 28-day)',
    unit: 'share of paid days; USD per month',
    direction: 'higher_is_better',
    caveats: [
      'A tool whose usage is not ingested makes its seats look idle.',
      'Vendor-counted active users (Gemini Code Assist) name nobody: shown by tool, team or org, never by person; a person active in two projects counts in both.',
    ],
    minSample: 'none',
  },
  {
    id: 'efficiency.cost_per_mtok',
    title: 'Cost per million tokens',
    question: 'What does a million tokens cost us, by key, tool, model or workflow?',
    formula: 'Σ ledger.cost ÷ Σ (input + cache read + cache write + output tokens) × 1,000,000',
    unit: 'USD per million tokens',
    direction: 'lower_is_better',
    caveats: ['Cache reads are cheap tokens: a high cache-read share lowers it without any model change.'],
    minSample: '$10 of spend',
  },
  {
    id: 'efficiency.expected_band',
    title: 'Expected tokens-per-dollar band per workload type',
    question:
      'What tokens per dollar should this kind of workload buy, and which workloads fall below their peers?',
    formula:
      "the band configured for the type in mileage.yaml (workload_types), else Q1–Q3 of weekly tokens per dollar (weeks with ≥ $1) of the type's workloads across the org over the 26 weeks ending with the window; each workload judged against the band of the OTHER workloads of its type",
    unit: 'tokens per USD',
    direction: 'higher_is_better',
    caveats: [
      'A workload alone in its type has no peers: no band, said plainly, unless mileage.yaml configures one.',
      'A band learned from an org that is all on the wrong model is the wrong band: compare with the what-if, or configure the band.',
    ],
    minSample: '4 workload-weeks of peers per type',
  },
  {
    id: 'effectiveness.cost_per_closed_ticket',
    title: 'Cost per closed ticket',
    question: 'What does a closed ticket cost in AI spend?',
    formula: 'Σ ledger.cost of people (not workflows) ÷ tickets closed by them (person × period)',
    unit: 'USD per ticket',
    direction: 'lower_is_better',
    caveats: ['The same spend also stands behind merged PRs: the two ratios are views, not parts.'],
    minSample: '10 closed tickets',
  },
  {
    id: 'effectiveness.cost_per_workflow_outcome',
    title: 'Cost per workflow outcome',
    question:
      'What does one outcome of each AI workflow cost (a triaged alert, a resolved ticket, a document published)?',
    formula:
      'Σ ledger.cost of the workflow ÷ Σ count of its outcomes (of its outcome_kind when set, else of its workload type’s: documentation → doc_published)',
    unit: 'USD per outcome',
    direction: 'lower_is_better',
    caveats: [
      'Outcomes must be reported (outcomes file or API) or synced (Confluence and Notion give doc_published) for the workflow to have a ratio.',
    ],
    minSample: '20 outcomes',
  },
  {
    id: 'effectiveness.tokens_per_session',
    title: 'Tokens per session',
    question: 'How many tokens does an agent session take, and are some runaway?',
    formula: 'per group: mean, median and 90th percentile of Σ tokens per session id (ledger)',
    unit: 'tokens per session',
    direction: 'neutral',
    caveats: ['Only sources that carry session ids (agent logs, OTel) count.'],
    minSample: '20 sessions',
  },
  {
    id: 'effectiveness.tokens_per_point',
    title: 'Tokens per delivery point',
    question: 'How many tokens does a point of delivered work take, and is that falling?',
    formula:
      "Σ tokens of people (not workflows) ÷ Σ points of their merged PRs; trend = this window's value ÷ the previous window's",
    unit: 'tokens per point; ratio',
    direction: 'lower_is_better',
    caveats: ['Points: ticket estimates where linked, else the capped size model.'],
    minSample: '10 merged PRs in each window',
  },
  {
    id: 'effectiveness.ai_assisted_share',
    title: 'AI-assisted share of merged work',
    question: 'How much of what merged had AI help, by PR and by changed lines?',
    formula: 'AI-assisted merged PRs ÷ merged PRs; effective lines of AI-assisted PRs ÷ effective lines',
    unit: 'share',
    direction: 'neutral',
    caveats: ['Evidence is what commits say (trailers, bot authors); unmarked help is invisible.'],
    minSample: '20 merged PRs',
  },
  {
    id: 'effectiveness.cycle_time',
    title: 'PR cycle time',
    question: 'How long does a PR take from opened to merged, and is that changing?',
    formula:
      'median of (merged at − opened at) in hours over merged PRs; change = ÷ the previous window; with the medians of opened → first review, opened → first approval and first review → merged',
    unit: 'hours; ratio',
    direction: 'lower_is_better',
    caveats: [
      'PRs without an open time are left out.',
      'Opened = the PR’s creation or its first commit if older, so review waits include coding before the PR was opened.',
      'Review times need a forge (GitHub reviews, GitLab approvals and notes); reviews by the author and by bots do not count.',
    ],
    minSample: '20 merged PRs with an open time',
  },
  {
    id: 'effectiveness.epic_lead_time',
    title: 'Epic lead time',
    question: 'How long does a piece of work take end to end, from the first child started to the epic done?',
    formula:
      'median of (epic done − min over its children of (started at, else created at)) in days, over epics done in the window (Jira epics, Linear projects, GitHub milestones); change = ÷ the previous window',
    unit: 'days; ratio',
    direction: 'lower_is_better',
    caveats: [
      'Only delivered children are read (closed tickets, merged PRs): a child canceled or still open does not move the start.',
      'A Jira ticket starts at its first status change (the changelog); without one, at its creation, which can be long before work began.',
      'An epic with no known child starts at its own start or creation, and is counted apart.',
    ],
    minSample: '5 epics done per group',
  },
  {
    id: 'concentration.top4_shift',
    title: 'Week-over-week shift of the top-4 share',
    question: 'Is spend concentrating on a few workloads, week by week?',
    formula: "per week: Σ cost of the week's 4 largest workloads ÷ Σ cost; shift = this week − last week",
    unit: 'share; share points',
    direction: 'neutral',
    caveats: ['The top four are chosen afresh each week.'],
    minSample: '5 workloads',
  },
  {
    id: 'concentration.keys_for_spend',
    title: 'Keys that make 50% and 80% of spend',
    question: 'How many API keys carry half and four fifths of the key spend?',
    formula: 'keys by spend, largest first: the count at which the cumulative share reaches 50% and 80%',
    unit: 'keys',
    direction: 'neutral',
    caveats: ['Spend without a key (agent logs, seats) is outside it; its share is shown.'],
    minSample: '5 keys',
  },
  {
    id: 'quadrant.delivery_efficiency',
    title: 'Delivery against efficiency',
    question: 'Who delivers a lot, and who delivers cheaply — and where do the two part?',
    formula:
      'per person (if visible) or team: points per week vs points per dollar (people spend), split at the medians of the groups shown',
    unit: 'points per week; points per USD',
    direction: 'higher_is_better',
    caveats: ['A conversation starter, not a grade: harder work earns fewer points per dollar.'],
    minSample: '4 groups with merged PRs',
  },
  {
    id: 'quality.rework_tax',
    title: 'Quality tax',
    question: 'What share of what we merge is rework, how did it change, and what did that rework cost?',
    formula:
      "quality tax = rework PRs ÷ merged PRs, and its change in points against the window of the same length before; rework points ÷ points; rework spend = Σ PR spend of rework PRs (sessions on the PR's branch, then the author's spend ÷ their PRs, person × period); rework spend share = rework spend ÷ Σ PR spend",
    unit: 'share; share points; USD',
    direction: 'lower_is_better',
    caveats: [
      'Rework as marked by the delivery sources (reverts, regression labels, rewrites of young lines).',
      'The rework spend share is a different figure from the quality tax (dollars, not PRs): never quote one as the other.',
    ],
    minSample: '20 merged PRs',
  },
  {
    id: 'quality.churn_share',
    title: 'Churn share of changed lines',
    question: 'How much of the code we change rewrites code we merged in the last three weeks?',
    formula:
      'Σ lines rewritten or deleted that were merged < 21 days before (git blame on the parent) ÷ Σ lines changed (a hunk replacing o lines by n counts max(o, n)), over merged PRs and direct pushes read from git',
    unit: 'share of changed lines',
    direction: 'lower_is_better',
    caveats: [
      'Lockfiles, vendored and generated files, changelogs and snapshots are left out; only units inside the rework window are measured.',
      'Some churn is healthy iteration: read it as a trend, and the PR-level rework flag (quality.rework_tax) for what was redone.',
    ],
    minSample: '1,000 changed lines',
  },
  {
    id: 'trajectory.growth',
    title: 'Spend growth against delivery growth, 4/13/26 weeks',
    question: 'Over a month, a quarter and half a year, is spend growing faster than delivery?',
    formula:
      'last 4 weeks ÷ first 4 of the last N weeks (N = 4: the 4 before), for spend and for points; marginal return = Δpoints ÷ Δspend',
    unit: 'multiples; points per USD',
    direction: 'neutral',
    caveats: ['Needs the first block to have data; new orgs show only the shorter horizons.'],
    minSample: 'N + 4 weeks of data for horizon N',
  },
  {
    id: 'trajectory.forecast',
    title: 'Next quarter spend forecast',
    question: 'What will AI cost next quarter if the trend holds?',
    formula:
      'ln(weekly spend) = a + b·week by least squares over up to 26 weeks; Σ exp(a + b·t) over the next 13 weeks × smearing factor; 80% interval by residual bootstrap (seeded)',
    unit: 'USD',
    direction: 'neutral',
    caveats: ['A trend, not a plan: rollouts, price changes and new workflows break it.'],
    minSample: '8 weeks of spend',
  },
  {
    id: 'allocation.new_value_share',
    title: 'New value against KTLO',
    question: 'How much of delivery and spend goes to new value rather than keeping the lights on?',
    formula: 'Σ points and Σ PR spend (person × period) by work category ÷ their totals',
    unit: 'share',
    direction: 'neutral',
    caveats: ['Category comes from ticket types and labels; unlabelled work is unknown.'],
    minSample: '20 merged PRs',
  },
  {
    id: 'whatif.reprice',
    title: 'What-if re-pricing',
    question: 'What would past usage have cost on another model, or with a better cache-hit ratio?',
    formula:
      'Σ actual cost × (list price of the same tokens on the target model, or with cache reads ≥ R × prompt) ÷ (their list price on the model used)',
    unit: 'USD',
    direction: 'lower_is_better',
    caveats: [
      'Seat usage and unpriced models are kept at actual cost.',
      'A cheaper model must pass the workload’s quality bar before anything moves.',
    ],
    minSample: 'none',
  },
  {
    id: 'roi.delivery_lift',
    title: 'ROI from delivery lift',
    question: 'Is the delivery lift worth more than the AI spend, in engineering time?',
    formula:
      '(points/week last 4w ÷ first 4w of 26, − 1) × headcount × loaded cost per engineer ÷ 52, ÷ AI spend per week',
    unit: 'ratio',
    direction: 'higher_is_better',
    caveats: ['Credits all lift to AI: an upper bound. Every assumption is printed with the figure.'],
    minSample: '26 weeks, a loaded cost per team',
  },
  {
    id: 'coverage.evidence_levels',
    title: 'Attribution coverage by evidence level',
    question: 'How much spend is tied to a team, a person, a workflow and a PR, and on what evidence?',
    formula:
      'Σ cost attributed at each level ÷ Σ cost; the PR row: Σ cost the session → branch → PR join tied to a merged PR ÷ Σ cost; unpriced tokens alongside',
    unit: 'share',
    direction: 'higher_is_better',
    caveats: [
      'The PR row counts only what sessions tie to a PR; the rest of a person’s spend reaches their PRs by person × period in effectiveness.cost_per_merged_pr (docs/how-numbers-are-computed.md, "Cost per PR").',
      'A store without agent sessions on PR branches shows the PR row as 0 with the reason, not as missing.',
    ],
    minSample: 'none',
  },
  {
    id: 'delivery.throughput_per_engineer',
    title: 'PR throughput per engineer',
    question: 'How many merged PRs does an engineer of this team deliver in a week?',
    formula:
      'merged PRs by the team’s people ÷ available engineer-weeks (the team’s people in mileage.yaml × weeks in the window − working days their calendars show them away ÷ 5)',
    unit: 'merged PRs per available engineer-week',
    direction: 'higher_is_better',
    caveats: [
      'PR counts reward splitting work: compare a team with itself (before and after) or with a similar team, as experiments do.',
      'Headcount is the directory’s today: people who joined or left mid-window count for the whole window.',
      'Days away come from calendars (google-calendar source: out-of-office and all-day busy days, Monday to Friday); without one, engineer-weeks are headcount × weeks.',
    ],
    minSample: '20 merged PRs',
  },
] as const satisfies readonly MetricDefinition[];
