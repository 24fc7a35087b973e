import { formatUsd, usd } from '../domain/money.js';
import type { Experiment } from '../governance/experiment-config.js';
import { formatChange, formatLevel } from '../governance/experiment-format.js';
import type { ExperimentResult } from '../governance/experiment-result.js';
import type { Verdict } from '../governance/experiment-verdict.js';
import { escapeHtml } from './html.js';
import { markdownText } from './markdown-text.js';

/**
 * The experiment report: the page a leader brings to the CFO. The success definition as it was written
 * before the results, the verdict per metric and overall with its reason, the treatment's change against the
 * control's with intervals, sprint by sprint, and the AI spend beside it. Money is exact decimal text in JSON.
 */

export const VERDICT_LABEL: Record<Verdict, string> = {
  met: 'met',
  not_met: 'not met',
  inconclusive: 'inconclusive',
};

/** The definition as the API and the JSON report show it. */
export function experimentDefinitionJson(e: Experiment) {
  return {
    id: e.id,
    title: e.title,
    hypothesis: e.hypothesis,
    success: e.success,
    treatment: e.treatment,
    control: e.control,
    sprintWeeks: e.sprintWeeks,
    baseline: e.baseline,
    test: e.test,
    metrics: e.metrics.map((m) => ({
      metric: m.metric,
      title: m.title,
      unit: m.unit,
      target: m.target.text,
    })),
    method: {
      confidence: e.confidence,
      resamples: e.resamples,
      seed: e.seed,
      minWeeks: e.minWeeks,
      minSample: e.minSample,
    },
    origin: e.origin,
  };
}

export function experimentResultJson(r: ExperimentResult) {
  return {
    ...experimentDefinitionJson(r.experiment),
    status: r.status,
    asOf: r.asOf,
    withheld: r.withheld,
    headline: r.headline,
    verdict: r.overall.verdict,
    reason: r.overall.reason,
    spend: r.spend && {
      treatment: { baseline: r.spend.treatment.baseline.toFixed(), test: r.spend.treatment.test.toFixed() },
      control: { baseline: r.spend.control.baseline.toFixed(), test: r.spend.control.test.toFixed() },
    },
    results: r.metrics.map((m) => ({
      metric: m.metric,
      title: m.title,
      unit: m.unit,
      target: m.target,
      verdict: m.verdict.verdict,
      reason: m.verdict.reason,
      judged: m.verdict.judged,
      treatment: m.estimate.treatment,
      control: m.estimate.control,
      difference: m.estimate.did,
      intervals: m.estimate.intervals,
      weeksWithData: m.estimate.weeksWithData,
      sample: { unit: m.sampleUnit, ...m.estimate.sample },
      sprints: m.estimate.sprints,
      teamWeeks: m.teamWeeks,
    })),
  };
}

/** The report as data: what the API answers, what `--format json` prints, what the renderers below read. */
export type ExperimentReport = ReturnType<typeof experimentResultJson>;
type MetricReport = ExperimentReport['results'][number];

export function renderExperimentJson(r: ExperimentReport): string {
  return JSON.stringify(r, null, 2);
}

const level = (m: MetricReport, v: number | null) => (v === null ? '—' : formatLevel(v, m.unit));

/** A sprint's changes on the scale the metric is judged on: relative, or in its unit for absolute targets. */
function sprintChanges(m: MetricReport, s: MetricReport['sprints'][number]): [string, string, string] {
  if (m.judged.scale === 'absolute' && m.judged.figure === 'difference') {
    const f = (v: number | null) => (v === null ? '—' : formatChange(v, 'absolute', m.unit));
    return [f(s.treatmentDelta), f(s.controlDelta), f(s.differenceDelta)];
  }
  return [rel(s.treatmentChange), rel(s.controlChange), rel(s.difference)];
}
const rel = (v: number | null) => (v === null ? '—' : formatChange(v, 'relative', ''));

/** The figure the target is judged on, with its interval: "+45.7% (90%: +21.0% to +70.1%)". */
function judgedText(m: MetricReport, confidence: number): string {
  const j = m.judged;
  if (j.value === null) return '—';
  const f = (v: number) =>
    j.figure === 'difference' ? formatChange(v, j.scale, m.unit) : formatLevel(v, m.unit);
  const ci = j.interval
    ? ` (${Math.round(confidence * 100)}%: ${f(j.interval.low)} to ${f(j.interval.high)})`
    : '';
  return `${j.figure === 'difference' ? 'difference ' : 'treatment '}${f(j.value)}${ci}`;
}

function spendLine(r: ExperimentReport): string | null {
  if (!r.spend) return null;
  const $ = (v: string) => formatUsd(usd(v));
  return `AI spend during the test (${r.test.since} to ${r.test.until}): treatment ${$(r.spend.treatment.test)} (baseline ${$(r.spend.treatment.baseline)}), control ${$(r.spend.control.test)} (baseline ${$(r.spend.control.baseline)}).`;
}

export function renderExperimentMarkdown(r: ExperimentReport): string {
  const e = {
    ...r,
    confidence: r.method.confidence,
    resamples: r.method.resamples,
    seed: r.method.seed,
    minWeeks: r.method.minWeeks,
    minSample: r.method.minSample,
  };
  const t = markdownText;
  const lines = [
    `# Experiment: ${t(e.title)}`,
    '',
    `**Verdict: ${VERDICT_LABEL[r.verdict]}** — ${t(r.reason)}`,
    '',
    r.withheld ? `_${t(r.withheld)}_` : `**${t(r.headline)}**`,
    '',
    `Status: ${r.status} (as of ${r.asOf}). Treatment: ${t(e.treatment.join(', '))}. Control: ${t(e.control.join(', '))}.`,
    `Baseline ${e.baseline.since} to ${e.baseline.until}, test ${e.test.since} to ${e.test.until} (end days exclusive; sprints of ${e.sprintWeeks} week${e.sprintWeeks === 1 ? '' : 's'}).`,
    '',
    '## Success, as written before the results',
    '',
    `> ${t(e.success)}`,
    '',
    `Hypothesis: ${t(e.hypothesis)}`,
    '',
  ];
  const spend = spendLine(r);
  if (spend) lines.push(spend, '');
  if (r.results.length) {
    lines.push(
      '## Results',
      '',
      '| metric | target | verdict | treatment before → during | control before → during | judged on |',
      '|---|---|---|---|---|---|',
      ...r.results.map((m) => {
        const x = m;
        return `| ${t(m.title)} | ${t(m.target)} | ${VERDICT_LABEL[m.verdict]} | ${t(level(m, x.treatment.baseline))} → ${t(level(m, x.treatment.test))} (${rel(x.treatment.relative)}) | ${t(level(m, x.control.baseline))} → ${t(level(m, x.control.test))} (${rel(x.control.relative)}) | ${t(judgedText(m, e.confidence))} |`;
      }),
      '',
      ...r.results.map((m) => `- **${t(m.title)}**: ${VERDICT_LABEL[m.verdict]} — ${t(m.reason)}.`),
      '',
      '## Sprint by sprint',
      '',
    );
    for (const m of r.results) {
      lines.push(
        `### ${t(m.title)}`,
        '',
        '| sprint | dates | treatment | control | treatment change | control change | difference |',
        '|---|---|---|---|---|---|---|',
        ...m.sprints.map((s) => {
          const [tc, cc, d] = s.window === 'test' ? sprintChanges(m, s) : ['—', '—', '—'];
          return `| ${s.window} ${s.index} | ${s.since} to ${s.until} | ${t(level(m, s.treatment))} | ${t(level(m, s.control))} | ${tc} | ${cc} | ${d} |`;
        }),
        '',
      );
    }
  }
  lines.push(
    '## Method',
    '',
    `Difference in differences: each group's change from baseline to test, the treatment's minus the control's. Intervals: ${Math.round(e.confidence * 100)}% percentile bootstrap, ${e.resamples} resamples of whole weeks (seed ${e.seed}). A verdict needs ${e.minWeeks} weeks with data in each window and ${e.minSample} of the metric's sample per group and window. See docs/experiments.md.`,
    '',
  );
  return lines.join('\n');
}

export function renderExperimentHtml(r: ExperimentReport): string {
  const e = {
    ...r,
    confidence: r.method.confidence,
    resamples: r.method.resamples,
    seed: r.method.seed,
    minWeeks: r.method.minWeeks,
    minSample: r.method.minSample,
  };
  const h = escapeHtml;
  const badge = (v: Verdict) => `<span class="v ${v}">${VERDICT_LABEL[v]}</span>`;
  const spend = spendLine(r);
  const rows = r.results
    .map((m) => {
      const x = m;
      return `<tr><td>${h(m.title)}<br><code>${h(m.metric)}</code></td><td>${h(m.target)}</td><td>${badge(m.verdict)}</td><td class="n">${h(level(m, x.treatment.baseline))} → ${h(level(m, x.treatment.test))} (${h(rel(x.treatment.relative))})</td><td class="n">${h(level(m, x.control.baseline))} → ${h(level(m, x.control.test))} (${h(rel(x.control.relative))})</td><td>${h(judgedText(m, e.confidence))}</td></tr><tr class="why"><td colspan="6">${h(m.reason)}</td></tr>`;
    })
    .join('');
  const sprints = r.results
    .map(
      (m) =>
        `<h3>${h(m.title)}</h3><table><tr><th>sprint</th><th>dates</th><th>treatment</th><th>control</th><th>treatment change</th><th>control change</th><th>difference</th></tr>${m.sprints
          .map((s) => {
            const [tc, cc, d] = s.window === 'test' ? sprintChanges(m, s) : ['—', '—', '—'];
            return `<tr><td>${s.window} ${s.index}</td><td>${h(s.since)} to ${h(s.until)}</td><td class="n">${h(level(m, s.treatment))}</td><td class="n">${h(level(m, s.control))}</td><td class="n">${h(tc)}</td><td class="n">${h(cc)}</td><td class="n">${h(d)}</td></tr>`;
          })
          .join('')}</table>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Experiment — ${h(e.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{padding:.25rem .6rem;border-bottom:1px solid #dde;text-align:left}td.n{text-align:right}
tr.why td{color:#555;font-size:.9em;border-bottom:1px solid #bbc}blockquote{border-left:4px solid #4a5bd4;margin:0;padding:.2rem 1rem;background:#f4f5fb}
.v{padding:0 .4em;border-radius:3px;font-weight:600}.v.met{background:#d8f5df;color:#135c2a}.v.not_met{background:#fde0dc;color:#8a1c0e}.v.inconclusive{background:#eceef3;color:#3a4050}</style>
</head><body>
<h1>Experiment: ${h(e.title)}</h1>
<p class="verdict">Verdict: ${badge(r.verdict)} — ${h(r.reason)}</p>
<p><strong>${h(r.withheld ?? r.headline)}</strong></p>
<p>Status: ${h(r.status)} (as of ${h(r.asOf)}). Treatment: ${h(e.treatment.join(', '))}. Control: ${h(e.control.join(', '))}. Baseline ${h(e.baseline.since)} to ${h(e.baseline.until)}, test ${h(e.test.since)} to ${h(e.test.until)} (end days exclusive).</p>
<h2>Success, as written before the results</h2>
<blockquote>${h(e.success)}</blockquote>
<p>Hypothesis: ${h(e.hypothesis)}</p>
${spend ? `<p>${h(spend)}</p>` : ''}
${r.results.length ? `<h2>Results</h2><table><tr><th>metric</th><th>target</th><th>verdict</th><th>treatment before → during</th><th>control before → during</th><th>judged on</th></tr>${rows}</table><h2>Sprint by sprint</h2>${sprints}` : ''}
<h2>Method</h2>
<p>Difference in differences: each group's change from baseline to test, the treatment's minus the control's. Intervals: ${Math.round(e.confidence * 100)}% percentile bootstrap, ${e.resamples} resamples of whole weeks (seed ${e.seed}). A verdict needs ${e.minWeeks} weeks with data in each window and ${e.minSample} of the metric's sample per group and window.</p>
</body></html>
`;
}
