import {
  EXPERIMENT_RESULTS,
  experimentResultsTable,
  experimentSprintsTable,
  sprintsTableName,
} from '../../../src/report/page-tables.js';
import { fromAnswer, get } from '../api.js';
import { metricLink } from '../definitions.js';
import { append, el } from '../dom.js';
import { usd } from '../format.js';
import type { Page } from '../page.js';
import { message, pageHeader, section, withDownload } from '../views.js';

/** The parts of GET /experiments/ID this page shows (src/report/experiment.ts `experimentResultJson`). */
interface Interval {
  low: number;
  high: number;
}
interface Change {
  baseline: number | null;
  test: number | null;
  relative: number | null;
}
interface Sprint {
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
}
interface MetricResult {
  metric: string;
  title: string;
  unit: string;
  target: string;
  verdict: Verdict;
  reason: string;
  judged: { figure: string; scale: 'relative' | 'absolute'; value: number | null; interval: Interval | null };
  treatment: Change;
  control: Change;
  sprints: Sprint[];
}
type Verdict = 'met' | 'not_met' | 'inconclusive';
interface Definition {
  id: string;
  title: string;
}
interface Report extends Definition {
  hypothesis: string;
  success: string;
  treatment: string[];
  control: string[];
  baseline: { since: string; until: string };
  test: { since: string; until: string };
  status: string;
  asOf: string;
  withheld: string | null;
  headline: string;
  verdict: Verdict;
  reason: string;
  method: { confidence: number; resamples: number; seed: number };
  spend: {
    treatment: { baseline: string; test: string };
    control: { baseline: string; test: string };
  } | null;
  results: MetricResult[];
}

const LABEL: Record<Verdict, string> = { met: 'met', not_met: 'not met', inconclusive: 'inconclusive' };
const NONE = '—';

const pct = (v: number | null) => (v === null ? NONE : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);

/** A level in the metric's unit, as the report writes it (a share as a percentage). */
function inUnit(unit: string, v: number | null): string {
  if (v === null) return NONE;
  if (unit.startsWith('USD')) return usd(v.toFixed(2));
  if (unit.startsWith('share')) return `${(v * 100).toFixed(1)}%`;
  return v.toFixed(2);
}

/** A change in the metric's unit: signed, a share's in points. */
function delta(unit: string, v: number | null): string {
  if (v === null) return NONE;
  const sign = v > 0 ? '+' : '';
  if (unit.startsWith('share')) return `${sign}${(v * 100).toFixed(1)} pts`;
  return `${sign}${unit.startsWith('USD') ? usd(v.toFixed(2)) : v.toFixed(2)}`;
}

function judged(m: MetricResult, confidence: number): string {
  const j = m.judged;
  if (j.value === null) return NONE;
  const f = (v: number) =>
    j.scale === 'relative' ? pct(v) : j.figure === 'difference' ? delta(m.unit, v) : inUnit(m.unit, v);
  const ci = j.interval
    ? ` (${Math.round(confidence * 100)}%: ${f(j.interval.low)} to ${f(j.interval.high)})`
    : '';
  return `${j.figure === 'difference' ? 'difference' : 'treatment'} ${f(j.value)}${ci}`;
}

const badge = (v: Verdict) =>
  el(
    'span',
    {
      class: `verdict verdict-${v === 'met' ? 'move' : v === 'not_met' ? 'keep' : 'inconclusive'}`,
      'data-verdict': v,
    },
    LABEL[v],
  );

function resultsTable(r: Report): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `Results of ${r.title}` },
    el(
      'table',
      { 'data-table': 'experiment-results' },
      el('caption', {}, 'Per metric: the treatment’s change against the control’s, and the verdict'),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          [
            'metric',
            'target',
            'verdict',
            'treatment before → during',
            'control before → during',
            'judged on',
            'why',
          ].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        r.results.map((m) =>
          el(
            'tr',
            { 'data-metric': m.metric },
            el('th', { scope: 'row' }, metricLink(m.metric, m.title)),
            el('td', {}, m.target),
            el('td', {}, badge(m.verdict)),
            el(
              'td',
              { class: 'n' },
              `${inUnit(m.unit, m.treatment.baseline)} → ${inUnit(m.unit, m.treatment.test)} (${pct(m.treatment.relative)})`,
            ),
            el(
              'td',
              { class: 'n' },
              `${inUnit(m.unit, m.control.baseline)} → ${inUnit(m.unit, m.control.test)} (${pct(m.control.relative)})`,
            ),
            el('td', { 'data-judged': m.metric }, judged(m, r.method.confidence)),
            el('td', {}, m.reason),
          ),
        ),
      ),
    ),
  );
}

/** The retro view: each sprint's level for both groups, and in the test each group's change and their difference. */
function sprintTable(m: MetricResult): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `${m.title} sprint by sprint` },
    el(
      'table',
      { 'data-table': `sprints-${m.metric}` },
      el('caption', {}, `${m.title}, sprint by sprint`),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['sprint', 'dates', 'treatment', 'control', 'treatment change', 'control change', 'difference'].map(
            (h) => el('th', { scope: 'col' }, h),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        m.sprints.map((s) => {
          // Changes on the scale the metric is judged on: in its unit for an absolute guard rail or change.
          const absolute = m.judged.scale === 'absolute' && m.judged.figure === 'difference';
          const change = (rel: number | null, abs: number | null) =>
            s.window !== 'test' ? NONE : absolute ? delta(m.unit, abs) : pct(rel);
          return el(
            'tr',
            {},
            el('th', { scope: 'row' }, `${s.window} ${s.index}`),
            el('td', {}, `${s.since} to ${s.until}`),
            el('td', { class: 'n' }, inUnit(m.unit, s.treatment)),
            el('td', { class: 'n' }, inUnit(m.unit, s.control)),
            el('td', { class: 'n' }, change(s.treatmentChange, s.treatmentDelta)),
            el('td', { class: 'n' }, change(s.controlChange, s.controlDelta)),
            el('td', { class: 'n' }, change(s.difference, s.differenceDelta)),
          );
        }),
      ),
    ),
  );
}

const none = new URLSearchParams();
const source = (r: Report) => `/experiments/${encodeURIComponent(r.id)}`;

function experimentView(r: Report): HTMLElement {
  const spend = r.spend
    ? `AI spend during the test: treatment ${usd(r.spend.treatment.test)} (baseline ${usd(r.spend.treatment.baseline)}), control ${usd(r.spend.control.test)} (baseline ${usd(r.spend.control.baseline)}).`
    : null;
  return el(
    'div',
    { class: 'experiment', 'data-experiment': r.id },
    section(
      r.title,
      el('p', { class: 'experiment-verdict' }, 'Verdict: ', badge(r.verdict), ` — ${r.reason}`),
      el('p', { class: 'headline' }, el('strong', {}, r.withheld ?? r.headline)),
      el(
        'p',
        {},
        `Treatment: ${r.treatment.join(', ')}. Control: ${r.control.join(', ')}. Baseline ${r.baseline.since} to ${r.baseline.until}, test ${r.test.since} to ${r.test.until} (exclusive); ${r.status} as of ${r.asOf}.`,
      ),
      el('h3', {}, 'Success, as written before the results'),
      el('blockquote', {}, r.success),
      el('p', {}, `Hypothesis: ${r.hypothesis}`),
      spend ? el('p', { class: 'spend' }, spend) : null,
      r.results.length
        ? withDownload(
            resultsTable(r),
            fromAnswer(experimentResultsTable(r), source(r), none, EXPERIMENT_RESULTS),
            `Results of ${r.title}`,
          )
        : null,
      r.results.map((m) => {
        const data = experimentSprintsTable(r, m.metric);
        const drawn = sprintTable(m);
        return data
          ? withDownload(
              drawn,
              fromAnswer(data, source(r), none, sprintsTableName(m.metric)),
              `${m.title}, sprint by sprint`,
            )
          : drawn;
      }),
      el(
        'p',
        { class: 'method' },
        `Difference in differences; ${Math.round(r.method.confidence * 100)}% intervals from ${r.method.resamples} resamples of whole weeks (seed ${r.method.seed}). The report for the CFO: mileage experiment report ${r.id} --format html.`,
      ),
    ),
  );
}

/**
 * Experiments (GET /experiments and /experiments/ID): each with its success definition as written before,
 * the verdict per metric and overall with its reason, the sprint-by-sprint retro view and the AI spend beside
 * it. An experiment names its teams: the team, tool and model pickers do not apply.
 */
export const experimentsPage: Page = {
  name: 'experiments',
  path: /^\/experiments$/,
  title: 'Experiments',
  nav: 'Experiments',
  href: '/experiments',
  async render(ctx) {
    const none = new URLSearchParams();
    const list = await get<{ experiments: Definition[] }>('/experiments', none, ctx.signal);
    const reports = await Promise.all(
      list.experiments.map((e) => get<Report>(`/experiments/${encodeURIComponent(e.id)}`, none, ctx.signal)),
    );
    append(
      ctx.main,
      pageHeader(
        'Experiments',
        'Did the teams that tried it deliver more than those that did not? Each experiment’s success definition, written before the results, judged by difference in differences against its control teams. The filters above do not apply here.',
      ),
      reports.length === 0
        ? message(
            'No experiment written yet: add one under experiments: in mileage.yaml (docs/experiments.md).',
          )
        : reports.map(experimentView),
    );
  },
};
