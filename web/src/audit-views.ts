import type { BarVersion, Interval, RunDetail, RunSummary } from './audit-types.js';
import {
  auditRunTable,
  auditRunsTable,
  barRequirementsTable,
  checkText,
  headline,
} from '../../src/report/page-tables.js';
import { fromAnswer } from './api.js';
import type { ChartOption } from './charts.js';
import { el } from './dom.js';
import { amount, decimal, integer, percent } from './format.js';
import { hrefWithFilters } from './state.js';
import { withDownload } from './views.js';

export { checkText, headline };

const none = new URLSearchParams();
/** The browser's today: the "as of" day the page's copy of a table carries (the server names the file). */
const today = () => new Date().toISOString().slice(0, 10);

/**
 * The pieces of the Audits pages: a workflow's written bar, its stored runs, and one run's verdicts,
 * per-requirement statistics, failing cases and cost/quality chart. Money arrives as decimal text and is only
 * formatted here; the chart plots it as numbers for position alone.
 */

export const interval = (i: Interval): string => `[${percent(i.low)}–${percent(i.high)}]`;

function table(caption: string, name: string, head: string[], rows: HTMLElement[]): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    el(
      'table',
      { 'data-table': name },
      el('caption', {}, caption),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          head.map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el('tbody', {}, rows),
    ),
  );
}

const cell = (col: string, text: string, numeric = false) =>
  el('td', { 'data-col': col, class: numeric ? 'n' : null }, text);

const sourceText = (v: BarVersion) =>
  v.sources
    .map((s) => (s === 'api' ? `API${v.writtenAt ? ` (${v.writtenAt.slice(0, 16)})` : ''}` : s))
    .join(' and ');

/** The bar in force: its requirements with their rates and checks, and every version with where it is written. */
export function barView(workflow: string, versions: BarVersion[], conflicts: string[]): HTMLElement {
  const current = versions.at(-1);
  if (!current)
    return el(
      'p',
      { class: 'message empty', 'data-bar': 'none' },
      'No quality bar written: an audit without a bar has no verdict. Write one under quality_bars in mileage.yaml or PUT it to /api/v1/quality-bars/<workflow>.',
    );
  const b = current.bar;
  return el(
    'div',
    { class: 'audit-bar', 'data-bar': String(current.version) },
    el(
      'p',
      {},
      el('strong', {}, `Quality bar v${current.version}`),
      ` · written in ${sourceText(current)}`,
      b.description ? ` · ${b.description}` : '',
    ),
    withDownload(
      table(
        `Requirements of bar v${current.version}`,
        'audit-bar',
        ['requirement', 'cases', 'required rate', 'checks'],
        b.requirements.map((r) =>
          el(
            'tr',
            { 'data-key': r.name },
            el('th', { scope: 'row' }, r.name),
            cell('subset', r.tags?.length ? `tagged ${r.tags.join(', ')}` : 'all'),
            cell('required', r.pass_rate === 1 ? 'every case' : `≥ ${percent(r.pass_rate)}`, true),
            el(
              'td',
              { 'data-col': 'checks' },
              el(
                'ul',
                { class: 'checks' },
                r.checks.map((c) => el('li', {}, checkText(c))),
              ),
            ),
          ),
        ),
      ),
      fromAnswer(
        barRequirementsTable({ workflow, versions }, today()),
        `/quality-bars/${encodeURIComponent(workflow)}`,
        none,
        'requirements',
      ),
      `Requirements of bar v${current.version}`,
    ),
    el(
      'p',
      { class: 'bar-meta' },
      [
        b.margin !== undefined
          ? `Within ${decimal(b.margin * 100)} points of the incumbent on the same cases.`
          : 'No margin against the incumbent.',
        b.trials > 1 ? ` ${b.trials} trials a case (a case passes when every trial passes).` : '',
        ` Versions: ${versions.map((v) => `v${v.version} (${sourceText(v)})`).join(', ')}.`,
      ].join(''),
    ),
    conflicts.map((c) => el('p', { class: 'message error', role: 'alert' }, c)),
  );
}

/** The stored runs of a workflow, newest first, each linking to its detail. */
export function runsTable(workflow: string, runs: RunSummary[]): HTMLElement {
  const data = fromAnswer(
    auditRunsTable(runs, today()),
    '/audits',
    new URLSearchParams({ workflow }),
    'runs',
  );
  return withDownload(
    table(
      'Stored audit runs, newest first',
      'audit-runs',
      ['run', 'finished', 'bar', 'cases', 'incumbent', 'verdicts'],
      runs.map((r) =>
        el(
          'tr',
          { 'data-key': r.id },
          el(
            'th',
            { scope: 'row' },
            el('a', { href: hrefWithFilters(`/audits/${encodeURIComponent(r.id)}`) }, r.id),
          ),
          cell('finished', r.finishedAt.slice(0, 10)),
          cell('bar', `v${r.barVersion}`),
          cell('cases', integer(r.cases), true),
          cell('incumbent', r.incumbent),
          cell('verdicts', r.candidates.map((c) => `${c.model}: ${c.verdict}`).join('; ')),
        ),
      ),
    ),
    data,
    'Stored audit runs, newest first',
  );
}

const latency = (f: { latencyMs: { p50: number | null; p95: number | null } }) =>
  `${f.latencyMs.p50 === null ? '—' : integer(f.latencyMs.p50)} / ${f.latencyMs.p95 === null ? '—' : integer(f.latencyMs.p95)} ms`;

/** Incumbent and candidates side by side: verdict, headline rate with its interval, cost, latency, saving. */
export function verdictTable(d: RunDetail): HTMLElement {
  const rows = [
    el(
      'tr',
      { 'data-key': d.incumbent.model, 'data-role': 'incumbent' },
      el('th', { scope: 'row' }, d.incumbent.model),
      cell('verdict', 'incumbent'),
      cell('rate', '—'),
      cell('cost_per_case', amount(d.incumbent.costPerCase), true),
      cell('latency', latency(d.incumbent), true),
      cell('saving', '—'),
      cell('reasons', ''),
    ),
    ...d.candidates.map((c) => {
      const h = headline(c);
      return el(
        'tr',
        { 'data-key': c.model, 'data-role': 'candidate' },
        el('th', { scope: 'row' }, c.model),
        el(
          'td',
          { 'data-col': 'verdict', 'data-verdict': c.verdict },
          el('span', { class: `verdict verdict-${c.verdict}` }, c.verdict),
        ),
        cell(
          'rate',
          h
            ? `${percent(h.rate)} ${interval(h.interval)} of ${integer(h.n)}, bar ${percent(h.required)}`
            : '—',
          true,
        ),
        cell('cost_per_case', amount(c.costPerCase), true),
        cell('latency', latency(c), true),
        cell('saving', c.monthlySaving === null ? 'not known' : `${amount(c.monthlySaving)} a month`, true),
        el(
          'td',
          { 'data-col': 'reasons' },
          el(
            'ul',
            { class: 'reasons' },
            c.reasons.map((r) => el('li', {}, r)),
          ),
          c.verdict === 'inconclusive' && c.moreCasesNeeded !== null
            ? el('p', {}, `About ${integer(c.moreCasesNeeded)} more cases would decide it.`)
            : null,
        ),
      );
    }),
  ];
  const caption = 'Verdict per candidate (cost per case from the responses’ usage; latency p50 / p95)';
  return withDownload(
    table(
      caption,
      'audit-candidates',
      ['model', 'verdict', 'pass rate [95% interval]', 'cost per case', 'latency', 'projected saving', 'why'],
      rows,
    ),
    runTable(d, 'candidates'),
    caption,
  );
}

const pValue = (p: number) => (p < 0.0001 ? '< 0.0001' : p.toFixed(4));

/** Every requirement of every candidate: rate and Wilson interval, the bar, and the paired comparison. */
export function requirementsTable(d: RunDetail): HTMLElement {
  const rows = d.candidates.flatMap((c) =>
    c.requirements.map((r) =>
      el(
        'tr',
        { 'data-key': `${c.model}|${r.name}` },
        el('th', { scope: 'row' }, `${c.model} · ${r.name}`),
        cell('passed', `${integer(r.passed)} of ${integer(r.n)}`, true),
        cell('rate', `${percent(r.rate)} ${interval(r.interval)}`, true),
        cell('required', r.required === 1 ? 'every case' : percent(r.required), true),
        cell(
          'status',
          r.status === 'undecided' && r.casesNeeded !== null
            ? `undecided (≈ ${integer(r.casesNeeded)} cases would decide)`
            : r.status,
        ),
        cell('p', pValue(r.pValue), true),
        cell(
          'paired',
          r.paired
            ? `incumbent ${percent(r.paired.cases ? r.paired.incumbentPassed / r.paired.cases : null)}; only incumbent ${r.paired.onlyIncumbent}, only candidate ${r.paired.onlyCandidate}; McNemar p ${pValue(r.paired.mcnemarP)}; difference ${decimal(r.paired.difference * 100)} pts [${decimal(r.paired.interval.low * 100)}, ${decimal(r.paired.interval.high * 100)}]`
            : '—',
        ),
      ),
    ),
  );
  const caption =
    'Per requirement: pass rate with its 95% Wilson interval, the bar, and the paired comparison with the incumbent on the same cases';
  return withDownload(
    table(
      caption,
      'audit-requirements',
      [
        'candidate · requirement',
        'passed',
        'rate [95% interval]',
        'bar',
        'status',
        'p-value vs bar',
        'paired with the incumbent',
      ],
      rows,
    ),
    runTable(d, 'requirements'),
    caption,
  );
}

/** One table of a run as data, downloadable as the API's `table=NAME` of the run. */
const runTable = (d: RunDetail, name: 'candidates' | 'requirements') =>
  fromAnswer(auditRunTable(d, name), `/audits/${encodeURIComponent(d.run.id)}`, none, name);

const SHOWN_FAILURES = 50;

/** The failing cases by id with the reason (a field and a limit, never the answer's text). */
export function failuresView(d: RunDetail): HTMLElement {
  const lists = d.candidates.flatMap((c) =>
    c.requirements
      .filter((r) => r.failureCount > 0)
      .map((r) =>
        el(
          'div',
          { class: 'failures', 'data-failures': `${c.model}|${r.name}` },
          el(
            'h4',
            {},
            `${c.model} · ${r.name}: ${integer(r.failureCount)} failing case${r.failureCount === 1 ? '' : 's'}`,
          ),
          el(
            'ul',
            {},
            r.failures
              .slice(0, SHOWN_FAILURES)
              .map((f) =>
                el(
                  'li',
                  { 'data-case': f.caseId },
                  el('code', {}, f.caseId),
                  d.run.trials > 1 ? ` (trial ${f.trial + 1})` : '',
                  `: ${f.why}`,
                ),
              ),
          ),
          r.failureCount > SHOWN_FAILURES
            ? el(
                'p',
                { class: 'more' },
                `${integer(r.failureCount - SHOWN_FAILURES)} more (mileage audit report ${d.run.id} lists every one).`,
              )
            : null,
        ),
      ),
  );
  return lists.length
    ? el('div', { class: 'failure-lists' }, lists)
    : el('p', { class: 'message empty', 'data-failures': 'none' }, 'No case failed the bar.');
}

/**
 * Cost per case (across) against pass rate on each candidate's headline requirement (up); the incumbent is the
 * diamond, placed at its rate on the same cases. An unpriced model has no place on the cost axis and is named
 * in the caption instead.
 */
export function costQualityChart(d: RunDetail): { caption: string; option: ChartOption } {
  const first = d.candidates[0];
  const firstHead = first ? headline(first) : null;
  const incumbentRate =
    firstHead?.paired && firstHead.paired.cases > 0
      ? firstHead.paired.incumbentPassed / firstHead.paired.cases
      : null;
  const point = (name: string, cost: string | null, rate: number | null, low?: number, high?: number) =>
    cost === null || rate === null ? null : { name, value: [Number(cost), rate * 100], low, high };
  const candidates = d.candidates.map((c) => {
    const h = headline(c);
    return point(
      `${c.model} (${c.verdict})`,
      c.costPerCase,
      h ? h.rate : null,
      h?.interval.low,
      h?.interval.high,
    );
  });
  const incumbent = point(`${d.incumbent.model} (incumbent)`, d.incumbent.costPerCase, incumbentRate);
  const unplotted = [
    ...(incumbent ? [] : [d.incumbent.model]),
    ...d.candidates.filter((_, i) => candidates[i] === null).map((c) => c.model),
  ];
  // The bar of the headline requirement as a line, and an axis that shows it with the points.
  const required = firstHead && firstHead.required < 1 ? firstHead.required * 100 : null;
  const rates = [...candidates, incumbent].flatMap((p) => (p ? [p.value[1] ?? 100] : []));
  const floor = Math.max(0, Math.floor(Math.min(100, required ?? 100, ...rates) - 1));
  const caption = `Cost per case (USD, across) against pass rate on the headline requirement (%, up); the diamond is the incumbent, the dashed line the bar${unplotted.length ? `; not plotted (unpriced or unscored): ${unplotted.join(', ')}` : ''}`;
  return {
    caption,
    option: {
      tooltip: { trigger: 'item', formatter: '{b}' },
      legend: { top: 0 },
      grid: { left: 70, right: 140, top: 40, bottom: 50 },
      xAxis: { type: 'value', name: 'USD per case', nameLocation: 'middle', nameGap: 30, scale: true },
      yAxis: { type: 'value', name: 'pass rate %', min: floor, max: 100 },
      series: [
        {
          name: 'candidates',
          type: 'scatter',
          symbolSize: 14,
          data: candidates.filter((p) => p !== null).map((p) => ({ name: p.name, value: p.value })),
          label: { show: true, position: 'right', formatter: '{b}', color: '#222' },
          markLine:
            required === null
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  label: { formatter: `bar ${required.toFixed(1)}%`, color: '#222' },
                  lineStyle: { color: '#666', type: 'dashed' },
                  data: [{ yAxis: required }],
                },
        },
        {
          name: 'incumbent',
          type: 'scatter',
          symbol: 'diamond',
          symbolSize: 18,
          data: incumbent ? [{ name: incumbent.name, value: incumbent.value }] : [],
          label: { show: true, position: 'right', formatter: '{b}', color: '#222' },
        },
      ],
    },
  };
}
