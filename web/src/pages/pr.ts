import { prDetailTable } from '../../../src/report/page-tables.js';
import { fromAnswer, get } from '../api.js';
import { metricLink } from '../definitions.js';
import { append, el } from '../dom.js';
import { decimal, usd } from '../format.js';
import type { Page } from '../page.js';
import { apiParams, hrefWithFilters } from '../state.js';
import type { PrDetail } from '../types.js';
import { kpi, kpis, message, pageHeader, section, withDownload } from '../views.js';
import { evidenceText } from './prs.js';

const COST = 'effectiveness.cost_per_merged_pr';

function simpleTable(caption: string, head: string[], rows: (string | Node)[][]): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    el(
      'table',
      {},
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
      el(
        'tbody',
        {},
        rows.map((r) =>
          el(
            'tr',
            {},
            r.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c))),
          ),
        ),
      ),
    ),
  );
}

/** One PR: what it is, what it cost, by which evidence, and which sessions and keys paid for it. */
export const prPage: Page = {
  name: 'pr',
  path: /^\/prs\/([^/]+)$/,
  title: 'Pull request',
  async render(ctx) {
    const id = ctx.params[0] ?? '';
    const path = `/prs/${encodeURIComponent(id)}`;
    const params = apiParams();
    const d = await get<PrDetail>(path, params, ctx.signal);
    const download = (name: 'sessions' | 'keys', drawn: HTMLElement, caption: string) =>
      withDownload(drawn, fromAnswer(prDetailTable(d, name), path, params, name), caption);
    const p = d.pr;
    const facts: [string, string | Node][] = [
      ['repository', p.repo],
      ['branch', p.branch ?? '—'],
      ['team', p.teamName ?? p.team ?? '—'],
      ...(p.author ? ([['author', p.author]] as [string, string][]) : []),
      ['opened', p.openedAt ?? '—'],
      ['merged', p.mergedAt],
      [
        'points',
        metricLink('trajectory.spend_vs_delivery', `${decimal(p.points)} (${p.pointsBasis ?? 'no basis'})`),
      ],
      [
        'AI-assisted',
        p.aiAssisted === null ? 'unknown' : p.aiAssisted ? `yes — ${p.aiEvidence ?? ''}` : 'no',
      ],
      ['rework', p.rework ? `yes — ${p.reworkReason ?? ''}` : 'no'],
      ['category', p.category ?? 'unknown'],
    ];
    append(
      ctx.main,
      el('p', {}, el('a', { href: hrefWithFilters('/prs') }, '← All pull requests')),
      pageHeader(
        `${p.repo}#${p.number}${p.title ? ` — ${p.title}` : ''}`,
        'Which sessions and keys paid for this PR, and by which evidence.',
        d.window,
      ),
      kpis(kpi('pr-cost', `AI cost (${d.cost.basis ?? 'no basis'})`, usd(d.cost.amount), COST)),
      // How the cost was found is a sentence, not a number: it reads as text beside the tile, not in one.
      el(
        'p',
        { class: 'attribution', 'data-evidence': d.evidence },
        el('span', { class: 'attribution-label' }, 'Attributed by '),
        evidenceText(d.evidence),
      ),
      section(
        'The PR',
        el(
          'dl',
          { class: 'facts' },
          facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
        ),
      ),
      section(
        'Sessions',
        d.sessions.length
          ? download(
              'sessions',
              simpleTable(
                'Agent sessions attributed to this PR',
                ['session', 'tool', 'model', 'cost', 'evidence'],
                d.sessions.map((s) => [
                  s.session,
                  s.tool ?? '—',
                  s.model ?? '—',
                  metricLink(COST, usd(s.cost)),
                  evidenceText(s.evidence),
                ]),
              ),
              'Agent sessions attributed to this PR',
            )
          : message(
              'No agent session is tied to this PR by branch or commit; its cost comes from the evidence above.',
            ),
      ),
      section(
        'Keys',
        d.keys.length
          ? download(
              'keys',
              simpleTable(
                'API keys that paid for this PR',
                ['key', 'cost'],
                d.keys.map((k) => [k.key, metricLink(COST, usd(k.cost))]),
              ),
              'API keys that paid for this PR',
            )
          : message('No API key is tied to this PR.'),
      ),
    );
  },
};
