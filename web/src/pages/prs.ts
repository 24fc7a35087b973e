import { prListTable } from '../../../src/report/answer-tables.js';
export { evidenceText } from '../../../src/report/answer-tables.js';
import { fromAnswer, get } from '../api.js';
import { append, el } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams, hrefWithFilters } from '../state.js';
import type { PrRow, Window } from '../types.js';
import { message, metricTable, pageHeader, section } from '../views.js';

const SHOWN = 300;

/** Merged PRs with the AI cost attributed to each and the evidence level that attributed it. */
export const prsPage: Page = {
  name: 'prs',
  path: /^\/prs$/,
  title: 'Pull requests',
  nav: 'PRs',
  href: '/prs',
  async render(ctx) {
    // The API's first page is the newest SHOWN; `total` counts them all.
    const params = apiParams({ limit: String(SHOWN) });
    const { rows, window, total } = await get<{ rows: PrRow[]; window: Window; total: number }>(
      '/prs',
      params,
      ctx.signal,
    );
    const shown = rows;
    const table = fromAnswer(prListTable({ window, rows }), '/prs', params, 'prs');
    append(
      ctx.main,
      pageHeader('Pull requests', 'Which AI spend paid for each merged PR, and by which evidence.', window),
      section(
        `${total} merged PRs`,
        rows.length === 0
          ? message('No merged PRs in this window.')
          : metricTable(table, {
              caption: 'Merged PRs, newest first',
              name: 'prs',
              labelHeader: 'PR',
              rowLink: (row) => hrefWithFilters(`/prs/${encodeURIComponent(row.key)}`),
            }),
        total > shown.length
          ? el('p', { class: 'more' }, `${total - shown.length} older PRs not shown: narrow the window.`)
          : null,
      ),
    );
  },
};
