import type { DayWindow } from '../domain/time.js';
import type { MetricTable } from '../metrics/metric-table.js';
import { evidenceText } from './answer-tables.js';

/*
 * The dashboard's tables that are neither a metric's answer nor the weekly report's: the alert history, an
 * experiment's results and sprints, a workflow's quality bar and audit runs, an audit run's verdicts and
 * requirement statistics, a PR's sessions and keys. Each is built once from its route's JSON: the page draws
 * its own cells (badges, buttons, folded messages) and offers the download; the route answers `?table=NAME`
 * with this same table as JSON or CSV (server/api/table-answer.ts). Types only, so the dashboard imports this
 * file. The input types name only the fields read, so the server's objects and the page's JSON both fit.
 */

/** The day after a day (YYYY-MM-DD), in UTC: the exclusive end of a span. */
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The days a list's timestamps cover (its earliest to the day after its latest), else the one day `asOf`. */
export function spanOf(stamps: readonly string[], asOf: string): DayWindow {
  const days = stamps.map((s) => s.slice(0, 10)).sort();
  const first = days[0];
  const last = days.at(-1);
  return first && last ? { since: first, until: nextDay(last) } : { since: asOf, until: nextDay(asOf) };
}

const table = (t: Omit<MetricTable, 'notes'> & { notes?: string[] }): MetricTable => ({ notes: [], ...t });

// ---------------------------------------------------------------------------------------------- alerts

/** An alert as GET /alerts lists it (governance/history.ts `StoredAlert`). */
export interface AlertInput {
  id: string;
  rule: string;
  subject: string;
  severity: string;
  level: number;
  teamId: string | null;
  route: string;
  title: string;
  state: string;
  raisedAt: string;
  updatedAt: string;
  notifications: number;
  deliveries: Record<string, string>;
  acknowledgedAt: string | null;
}

/** The alert history: one row per alert, most recently updated first, as the page lists it. */
export function alertsTable(alerts: readonly AlertInput[], asOf: string): MetricTable {
  return table({
    metric: 'alerts',
    window: spanOf([...alerts.map((a) => a.raisedAt), ...alerts.map((a) => a.updatedAt)], asOf),
    by: 'alert',
    columns: [
      { id: 'state', label: 'state', unit: 'open, acknowledged or muted' },
      { id: 'rule', label: 'rule', unit: 'text' },
      { id: 'subject', label: 'subject', unit: 'text' },
      { id: 'team', label: 'team', unit: 'id' },
      { id: 'severity', label: 'severity', unit: 'text' },
      { id: 'level', label: 'level', unit: 'count' },
      { id: 'route', label: 'routed to', unit: 'text' },
      { id: 'deliveries', label: 'deliveries', unit: 'channel: result' },
      { id: 'notifications', label: 'messages', unit: 'count' },
      { id: 'raised', label: 'raised', unit: 'timestamp (UTC)' },
      { id: 'updated', label: 'updated', unit: 'timestamp (UTC)' },
      { id: 'acknowledged', label: 'acknowledged', unit: 'timestamp (UTC)' },
    ],
    rows: alerts.map((a) => ({
      key: a.id,
      label: a.title,
      values: {
        state: a.state,
        rule: a.rule,
        subject: a.subject,
        team: a.teamId,
        severity: a.severity,
        level: a.level,
        route: a.route,
        deliveries: Object.entries(a.deliveries)
          .map(([channel, result]) => `${channel}: ${result}`)
          .join('; '),
        notifications: a.notifications,
        raised: a.raisedAt,
        updated: a.updatedAt,
        acknowledged: a.acknowledgedAt,
      },
    })),
  });
}

// ----------------------------------------------------------------------------------------- experiments

interface ChangeInput {
  baseline: number | null;
  test: number | null;
  relative: number | null;
}

/** What the experiment tables read of GET /experiments/ID (report/experiment.ts `experimentResultJson`). */
export interface ExperimentInput {
  baseline: DayWindow;
  test: DayWindow;
  results: {
    metric: string;
    title: string;
    unit: string;
    target: string;
    verdict: string;
    reason: string;
    judged: {
      figure: string;
      scale: string;
      value: number | null;
      interval: { low: number; high: number } | null;
    };
    treatment: ChangeInput;
    control: ChangeInput;
    sprints: {
      window: string;
      index: number;
      since: string;
      until: string;
      treatment: number | null;
      control: number | null;
      treatmentChange: number | null;
      controlChange: number | null;
      difference: number | null;
      treatmentDelta: number | null;
      controlDelta: number | null;
      differenceDelta: number | null;
    }[];
  }[];
}

export const EXPERIMENT_RESULTS = 'results';
/** The name of one metric's sprint table: `sprints:<metric id>`. */
export const sprintsTableName = (metric: string): string => `sprints:${metric}`;

const experimentWindow = (e: ExperimentInput): DayWindow => ({
  since: e.baseline.since,
  until: e.test.until,
});

/** Per metric of an experiment: both groups before and during, the figure judged with its interval, the verdict. */
export function experimentResultsTable(e: ExperimentInput): MetricTable {
  return table({
    metric: 'experiment.results',
    window: experimentWindow(e),
    by: 'metric',
    columns: [
      { id: 'unit', label: 'unit', unit: 'the unit of the levels in this row' },
      { id: 'target', label: 'target', unit: 'text' },
      { id: 'verdict', label: 'verdict', unit: 'met, not_met or inconclusive' },
      { id: 'treatment_before', label: 'treatment before', unit: 'level' },
      { id: 'treatment_during', label: 'treatment during', unit: 'level' },
      { id: 'treatment_change', label: 'treatment change', unit: 'share' },
      { id: 'control_before', label: 'control before', unit: 'level' },
      { id: 'control_during', label: 'control during', unit: 'level' },
      { id: 'control_change', label: 'control change', unit: 'share' },
      { id: 'judged_on', label: 'judged on', unit: 'figure (scale)' },
      { id: 'judged', label: 'judged value', unit: 'figure' },
      { id: 'judged_low', label: 'interval low', unit: 'figure' },
      { id: 'judged_high', label: 'interval high', unit: 'figure' },
      { id: 'reason', label: 'why', unit: 'text' },
    ],
    rows: e.results.map((m) => ({
      key: m.metric,
      label: m.title,
      values: {
        unit: m.unit,
        target: m.target,
        verdict: m.verdict,
        treatment_before: m.treatment.baseline,
        treatment_during: m.treatment.test,
        treatment_change: m.treatment.relative,
        control_before: m.control.baseline,
        control_during: m.control.test,
        control_change: m.control.relative,
        judged_on: `${m.judged.figure} (${m.judged.scale})`,
        judged: m.judged.value,
        judged_low: m.judged.interval?.low ?? null,
        judged_high: m.judged.interval?.high ?? null,
        reason: m.reason,
      },
    })),
  });
}

/** One metric of an experiment sprint by sprint: both groups' levels, and in the test their changes. */
export function experimentSprintsTable(e: ExperimentInput, metric: string): MetricTable | null {
  const m = e.results.find((r) => r.metric === metric);
  if (!m) return null;
  return table({
    metric,
    window: experimentWindow(e),
    by: 'sprint',
    columns: [
      { id: 'since', label: 'from', unit: 'day' },
      { id: 'until', label: 'until', unit: 'day (exclusive)' },
      { id: 'treatment', label: 'treatment', unit: m.unit },
      { id: 'control', label: 'control', unit: m.unit },
      { id: 'treatment_change', label: 'treatment change', unit: 'share' },
      { id: 'control_change', label: 'control change', unit: 'share' },
      { id: 'difference', label: 'difference', unit: 'share points' },
      { id: 'treatment_delta', label: 'treatment change', unit: m.unit },
      { id: 'control_delta', label: 'control change', unit: m.unit },
      { id: 'difference_delta', label: 'difference', unit: m.unit },
    ],
    rows: m.sprints.map((s) => ({
      key: `${s.window}-${s.index}`,
      label: `${s.window} ${s.index}`,
      values: {
        since: s.since,
        until: s.until,
        treatment: s.treatment,
        control: s.control,
        treatment_change: s.treatmentChange,
        control_change: s.controlChange,
        difference: s.difference,
        treatment_delta: s.treatmentDelta,
        control_delta: s.controlDelta,
        difference_delta: s.differenceDelta,
      },
    })),
  });
}

// ----------------------------------------------------------------------------------------------- audits

/** A check of a quality bar as written (audit/bar schema): its kind and its own fields. */
export interface BarCheckInput {
  kind: string;
  [field: string]: unknown;
}

/** "equals $.severity = reference.severity": a check in a line, from its fields (never an answer). */
export function checkText(c: BarCheckInput): string {
  const from =
    typeof c.json_path === 'string'
      ? c.json_path
      : typeof c.regex === 'string'
        ? `/${c.regex}/`
        : 'the answer';
  const expected = c.expected as { value?: unknown; reference?: string } | undefined;
  const want = expected
    ? 'reference' in expected
      ? `reference.${String(expected.reference)}`
      : JSON.stringify(expected.value)
    : '';
  switch (c.kind) {
    case 'equals':
      return `${from} equals ${want}`;
    case 'numeric':
      return `${from} within ${c.tolerance !== undefined ? JSON.stringify(c.tolerance) : `${JSON.stringify(c.tolerance_percent)}%`} of ${want}`;
    case 'one_of':
      return `${from} one of ${JSON.stringify(c.values)}`;
    case 'json_schema':
      return 'valid against its JSON Schema';
    case 'regex':
      return `matches /${String(c.pattern)}/`;
    case 'contains':
    case 'not_contains':
      return `${c.kind === 'contains' ? 'contains' : 'does not contain'} "${String(c.text)}"`;
    case 'agrees_with_incumbent':
      return `${from} agrees with the incumbent`;
    case 'max_latency':
      return `answers within ${String(c.ms)} ms`;
    case 'max_cost':
      return `costs at most $${String(c.usd)} a case`;
    case 'llm_judge':
      return `judged by ${String(c.judge_model)} at ≥ ${String(c.threshold)}`;
    default:
      return c.kind;
  }
}

/** What the bar table reads of GET /quality-bars/WORKFLOW: the versions, the last one in force. */
export interface WorkflowBarsInput {
  workflow: string;
  versions: {
    version: number;
    writtenAt: string | null;
    bar: { requirements: { name: string; tags?: string[]; pass_rate: number; checks: BarCheckInput[] }[] };
  }[];
}

/** The requirements of a workflow's bar in force (as of `asOf`): subset, required rate and checks. */
export function barRequirementsTable(w: WorkflowBarsInput, asOf: string): MetricTable {
  const current = w.versions.at(-1);
  return table({
    metric: `quality_bar:${w.workflow}`,
    window: spanOf([asOf], asOf),
    by: 'requirement',
    columns: [
      { id: 'version', label: 'bar version', unit: 'count' },
      { id: 'subset', label: 'cases', unit: 'tags (all: every case)' },
      { id: 'required', label: 'required rate', unit: 'share of cases' },
      { id: 'checks', label: 'checks', unit: 'text' },
    ],
    rows: (current?.bar.requirements ?? []).map((r) => ({
      key: r.name,
      label: r.name,
      values: {
        version: current?.version ?? null,
        subset: r.tags?.length ? r.tags.join(', ') : 'all',
        required: r.pass_rate,
        checks: r.checks.map(checkText).join('; '),
      },
    })),
  });
}

/** A stored run as GET /audits lists it (server/api/audit-answers.ts `runSummary`). */
export interface RunSummaryInput {
  id: string;
  finishedAt: string;
  barVersion: number;
  cases: number;
  incumbent: string;
  candidates: { model: string; verdict: string }[];
}

/** A workflow's stored runs, newest first. */
export function auditRunsTable(runs: readonly RunSummaryInput[], asOf: string): MetricTable {
  return table({
    metric: 'audit.runs',
    window: spanOf(
      runs.map((r) => r.finishedAt),
      asOf,
    ),
    by: 'run',
    columns: [
      { id: 'finished', label: 'finished', unit: 'timestamp (UTC)' },
      { id: 'bar', label: 'bar version', unit: 'count' },
      { id: 'cases', label: 'cases', unit: 'count' },
      { id: 'incumbent', label: 'incumbent', unit: 'model' },
      { id: 'verdicts', label: 'verdicts', unit: 'model: move, keep or inconclusive' },
    ],
    rows: runs.map((r) => ({
      key: r.id,
      label: r.id,
      values: {
        finished: r.finishedAt,
        bar: r.barVersion,
        cases: r.cases,
        incumbent: r.incumbent,
        verdicts: r.candidates.map((c) => `${c.model}: ${c.verdict}`).join('; '),
      },
    })),
  });
}

interface IntervalInput {
  low: number;
  high: number;
}

interface RequirementInput {
  name: string;
  required: number;
  n: number;
  passed: number;
  rate: number;
  interval: IntervalInput;
  pValue: number;
  status: string;
  casesNeeded: number | null;
  paired: {
    cases: number;
    incumbentPassed: number;
    onlyIncumbent: number;
    onlyCandidate: number;
    mcnemarP: number;
    difference: number;
    interval: IntervalInput;
  } | null;
  failureCount: number;
}

interface FiguresInput {
  model: string;
  costPerCase: string | null;
  latencyMs: { p50: number | null; p95: number | null };
}

/** What the run tables read of GET /audits/ID (server/api/audit-answers.ts `runDetail`). */
export interface RunDetailInput {
  run: { id: string; finishedAt: string };
  incumbent: FiguresInput;
  candidates: (FiguresInput & {
    verdict: string;
    reasons: string[];
    moreCasesNeeded: number | null;
    monthlySaving: string | null;
    requirements: RequirementInput[];
  })[];
}

/** The requirement a one-line summary quotes: the first failing, else the one over the most cases. */
export function headline<R extends { status: string; n: number }>(c: { requirements: R[] }): R | null {
  return (
    c.requirements.find((r) => r.status === 'fail') ??
    c.requirements.reduce<R | null>((best, r) => (best === null || r.n > best.n ? r : best), null)
  );
}

const runWindow = (d: RunDetailInput) => spanOf([d.run.finishedAt], d.run.finishedAt.slice(0, 10));

export const AUDIT_RUN_TABLES = ['candidates', 'requirements'] as const;
export type AuditRunTableName = (typeof AUDIT_RUN_TABLES)[number];

/** One table of an audit run, by name: the verdict per candidate, or every requirement's statistics. */
export function auditRunTable(d: RunDetailInput, name: AuditRunTableName): MetricTable {
  switch (name) {
    case 'candidates':
      return table({
        metric: 'audit.candidates',
        window: runWindow(d),
        by: 'model',
        columns: [
          { id: 'verdict', label: 'verdict', unit: 'incumbent, move, keep or inconclusive' },
          { id: 'requirement', label: 'headline requirement', unit: 'text' },
          { id: 'rate', label: 'pass rate', unit: 'share of cases' },
          { id: 'rate_low', label: 'rate low (95%)', unit: 'share of cases' },
          { id: 'rate_high', label: 'rate high (95%)', unit: 'share of cases' },
          { id: 'cases', label: 'cases', unit: 'count' },
          { id: 'required', label: 'bar', unit: 'share of cases' },
          { id: 'cost_per_case', label: 'cost per case', unit: 'USD' },
          { id: 'latency_p50', label: 'latency p50', unit: 'ms' },
          { id: 'latency_p95', label: 'latency p95', unit: 'ms' },
          { id: 'monthly_saving', label: 'projected saving', unit: 'USD per month' },
          { id: 'more_cases', label: 'more cases to decide', unit: 'count' },
          { id: 'reasons', label: 'why', unit: 'text' },
        ],
        rows: [
          {
            key: d.incumbent.model,
            label: d.incumbent.model,
            values: {
              verdict: 'incumbent',
              requirement: null,
              rate: null,
              rate_low: null,
              rate_high: null,
              cases: null,
              required: null,
              cost_per_case: d.incumbent.costPerCase,
              latency_p50: d.incumbent.latencyMs.p50,
              latency_p95: d.incumbent.latencyMs.p95,
              monthly_saving: null,
              more_cases: null,
              reasons: '',
            },
          },
          ...d.candidates.map((c) => {
            const h = headline(c);
            return {
              key: c.model,
              label: c.model,
              values: {
                verdict: c.verdict,
                requirement: h?.name ?? null,
                rate: h?.rate ?? null,
                rate_low: h?.interval.low ?? null,
                rate_high: h?.interval.high ?? null,
                cases: h?.n ?? null,
                required: h?.required ?? null,
                cost_per_case: c.costPerCase,
                latency_p50: c.latencyMs.p50,
                latency_p95: c.latencyMs.p95,
                monthly_saving: c.monthlySaving,
                more_cases: c.moreCasesNeeded,
                reasons: c.reasons.join('; '),
              },
            };
          }),
        ],
      });
    case 'requirements':
      return table({
        metric: 'audit.requirements',
        window: runWindow(d),
        by: 'candidate_requirement',
        columns: [
          { id: 'passed', label: 'passed', unit: 'count' },
          { id: 'cases', label: 'cases', unit: 'count' },
          { id: 'rate', label: 'rate', unit: 'share of cases' },
          { id: 'rate_low', label: 'rate low (95% Wilson)', unit: 'share of cases' },
          { id: 'rate_high', label: 'rate high (95% Wilson)', unit: 'share of cases' },
          { id: 'required', label: 'bar', unit: 'share of cases' },
          { id: 'status', label: 'status', unit: 'pass, fail or undecided' },
          { id: 'cases_needed', label: 'cases to decide', unit: 'count' },
          { id: 'p_value', label: 'p-value vs bar', unit: 'probability' },
          { id: 'paired_cases', label: 'paired cases', unit: 'count' },
          { id: 'incumbent_passed', label: 'incumbent passed', unit: 'count' },
          { id: 'only_incumbent', label: 'only incumbent passed', unit: 'count' },
          { id: 'only_candidate', label: 'only candidate passed', unit: 'count' },
          { id: 'mcnemar_p', label: 'McNemar p', unit: 'probability' },
          { id: 'difference', label: 'difference', unit: 'share of cases' },
          { id: 'difference_low', label: 'difference low', unit: 'share of cases' },
          { id: 'difference_high', label: 'difference high', unit: 'share of cases' },
          { id: 'failures', label: 'failing cases', unit: 'count' },
        ],
        rows: d.candidates.flatMap((c) =>
          c.requirements.map((r) => ({
            key: `${c.model}|${r.name}`,
            label: `${c.model} · ${r.name}`,
            values: {
              passed: r.passed,
              cases: r.n,
              rate: r.rate,
              rate_low: r.interval.low,
              rate_high: r.interval.high,
              required: r.required,
              status: r.status,
              cases_needed: r.casesNeeded,
              p_value: r.pValue,
              paired_cases: r.paired?.cases ?? null,
              incumbent_passed: r.paired?.incumbentPassed ?? null,
              only_incumbent: r.paired?.onlyIncumbent ?? null,
              only_candidate: r.paired?.onlyCandidate ?? null,
              mcnemar_p: r.paired?.mcnemarP ?? null,
              difference: r.paired?.difference ?? null,
              difference_low: r.paired?.interval.low ?? null,
              difference_high: r.paired?.interval.high ?? null,
              failures: r.failureCount,
            },
          })),
        ),
      });
    default:
      return name satisfies never;
  }
}

// ------------------------------------------------------------------------------------------- a PR's page

/** What the PR page's tables read of GET /prs/ID (server/api/pr-routes.ts). */
export interface PrDetailInput {
  window: DayWindow;
  sessions: {
    session: string;
    tool: string | null;
    model: string | null;
    cost: string | null;
    evidence: string;
  }[];
  keys: { key: string; cost: string | null }[];
}

export const PR_TABLES = ['sessions', 'keys'] as const;
export type PrTableName = (typeof PR_TABLES)[number];

/** The agent sessions or the API keys that paid for one PR (a withheld cost is null: its author is not named). */
export function prDetailTable(d: PrDetailInput, name: PrTableName): MetricTable {
  switch (name) {
    case 'sessions':
      return table({
        metric: 'effectiveness.cost_per_merged_pr',
        window: d.window,
        by: 'session',
        columns: [
          { id: 'tool', label: 'tool', unit: 'label' },
          { id: 'model', label: 'model', unit: 'label' },
          { id: 'cost', label: 'cost', unit: 'USD attributed' },
          { id: 'evidence', label: 'evidence', unit: 'text' },
        ],
        rows: d.sessions.map((s) => ({
          key: s.session,
          label: s.session,
          values: { tool: s.tool, model: s.model, cost: s.cost, evidence: evidenceText(s.evidence) },
        })),
      });
    case 'keys':
      return table({
        metric: 'effectiveness.cost_per_merged_pr',
        window: d.window,
        by: 'key',
        columns: [{ id: 'cost', label: 'cost', unit: 'USD attributed' }],
        rows: d.keys.map((k) => ({ key: k.key, label: k.key, values: { cost: k.cost } })),
      });
    default:
      return name satisfies never;
  }
}
