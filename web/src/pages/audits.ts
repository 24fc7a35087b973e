import { get } from '../api.js';
import type { RunDetail, RunSummary, WorkflowBars } from '../audit-types.js';
import { barView, runsTable } from '../audit-views.js';
import { append, el } from '../dom.js';
import type { Page } from '../page.js';
import { message, pageHeader, section } from '../views.js';
import { runSections } from './audit-run.js';

/**
 * Model audits (GET /quality-bars, /audits, /audits/ID): per workflow, the bar written down, the stored runs,
 * and the latest run's verdicts with their intervals, failing cases and cost/quality chart. Audits are not
 * filtered by the team, tool or model pickers: an audit is of a workflow as a whole.
 */
export const auditsPage: Page = {
  name: 'audits',
  path: /^\/audits$/,
  title: 'Model audits',
  nav: 'Audits',
  href: '/audits',
  async render(ctx) {
    const none = new URLSearchParams();
    const [bars, list] = await Promise.all([
      get<{ workflows: WorkflowBars[] }>('/quality-bars', none, ctx.signal),
      get<{ runs: RunSummary[] }>('/audits', none, ctx.signal),
    ]);
    const runsOf = (w: string) => list.runs.filter((r) => r.workflow === w);
    const labels = new Map(bars.workflows.map((w) => [w.workflow, w]));
    // Workflows with a bar or a run, those with runs first; a run's workflow the org file no longer lists too.
    const ids = [...new Set([...bars.workflows.map((w) => w.workflow), ...list.runs.map((r) => r.workflow)])];
    const shown = ids
      .filter((w) => runsOf(w).length > 0 || (labels.get(w)?.versions.length ?? 0) > 0)
      .sort((a, b) => runsOf(b).length - runsOf(a).length || a.localeCompare(b));
    const latest = await Promise.all(
      shown.map((w) => {
        const run = runsOf(w)[0];
        return run
          ? get<RunDetail>(`/audits/${encodeURIComponent(run.id)}`, none, ctx.signal)
          : Promise.resolve(null);
      }),
    );
    const without = bars.workflows.filter((w) => !shown.includes(w.workflow));
    append(
      ctx.main,
      pageHeader(
        'Model audits',
        'Is a cheaper model good enough? Each workflow’s written quality bar, its audits, and the verdict on each candidate: move, keep or inconclusive. An audit is of a workflow as a whole: the filters above do not apply here.',
      ),
      shown.length === 0
        ? message('No quality bar written and no audit stored yet: see "Model audits" in the README.')
        : null,
      shown.map((w, i) => {
        const entry = labels.get(w);
        const runs = runsOf(w);
        const detail = latest[i] ?? null;
        return el(
          'div',
          { class: 'audit-workflow', 'data-workflow': w },
          section(
            entry?.label ?? runs[0]?.workflowLabel ?? w,
            barView(w, entry?.versions ?? [], entry?.conflicts ?? []),
            runs.length ? runsTable(w, runs) : message('Not audited yet.'),
            detail ? [el('h3', {}, `Latest run: ${detail.run.id}`), runSections(ctx, detail)] : null,
          ),
        );
      }),
      without.length
        ? el(
            'p',
            { class: 'no-bar' },
            `No quality bar written for: ${without.map((w) => w.label).join(', ')}.`,
          )
        : null,
    );
  },
};
