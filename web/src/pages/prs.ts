import { get } from '../api.js';
import { metricLink } from '../definitions.js';
import { append, el } from '../dom.js';
import { decimal, usd } from '../format.js';
import type { Page } from '../page.js';
import { apiParams, hrefWithFilters } from '../state.js';
import type { PrRow, Window } from '../types.js';
import { message, pageHeader, section } from '../views.js';

const SHOWN = 300;

export const EVIDENCE: Record<string, string> = {
  tag: 'tag at issuance (gateway key or header)',
  session_branch: 'sessions on the PR’s branch before its merge',
  commit_markers: 'AI markers on the PR’s commits',
  person_period: 'the author’s spend in the period, spread over their merged work by points',
  session: 'agent sessions on the PR’s branch before its merge',
  'session+person_period': 'sessions on the PR’s branch, plus a share of the author’s other spend',
  none: 'no spend could be tied to it',
};

export const evidenceText = (e: string | null): string => (e ? (EVIDENCE[e] ?? e) : 'none');

/** Merged PRs with the AI cost attributed to each and the evidence level that attributed it. */
export const prsPage: Page = {
  name: 'prs',
  path: /^\/prs$/,
  title: 'Pull requests',
  nav: 'PRs',
  href: '/prs',
  async render(ctx) {
    // The API's first page is the newest SHOWN; `total` counts them all.
    const { rows, window, total } = await get<{ rows: PrRow[]; window: Window; total: number }>(
      '/prs',
      apiParams({ limit: String(SHOWN) }),
      ctx.signal,
    );
    const shown = rows;
    append(
      ctx.main,
      pageHeader('Pull requests', 'Which AI spend paid for each merged PR, and by which evidence.', window),
      section(
        `${total} merged PRs`,
        rows.length === 0
          ? message('No merged PRs in this window.')
          : el(
              'div',
              { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Merged PRs' },
              el(
                'table',
                { 'data-table': 'prs' },
                el('caption', {}, 'Merged PRs, newest first'),
                el(
                  'thead',
                  {},
                  el(
                    'tr',
                    {},
                    ['PR', 'merged', 'team', 'points', 'AI cost', 'basis', 'evidence'].map((h) =>
                      el('th', { scope: 'col' }, h),
                    ),
                  ),
                ),
                el(
                  'tbody',
                  {},
                  shown.map((pr) =>
                    el(
                      'tr',
                      { 'data-key': pr.id },
                      el(
                        'th',
                        { scope: 'row' },
                        el(
                          'a',
                          { href: hrefWithFilters(`/prs/${encodeURIComponent(pr.id)}`) },
                          `${pr.repo}#${pr.number}`,
                        ),
                        pr.title ? el('span', { class: 'pr-title' }, ` ${pr.title}`) : null,
                      ),
                      el('td', {}, pr.mergedAt.slice(0, 10)),
                      el('td', {}, pr.team ?? '—'),
                      el(
                        'td',
                        { class: 'n', 'data-col': 'points' },
                        metricLink('trajectory.spend_vs_delivery', decimal(pr.points)),
                      ),
                      el(
                        'td',
                        { class: 'n', 'data-col': 'cost' },
                        metricLink('effectiveness.cost_per_merged_pr', usd(pr.cost)),
                      ),
                      el('td', {}, pr.basis ?? '—'),
                      el('td', {}, evidenceText(pr.evidence)),
                    ),
                  ),
                ),
              ),
            ),
        total > shown.length
          ? el('p', { class: 'more' }, `${total - shown.length} older PRs not shown: narrow the window.`)
          : null,
      ),
    );
  },
};
