import { loadCatalog } from '../api.js';
import { definitionBlock } from '../definitions.js';
import { append, el } from '../dom.js';
import type { Page } from '../page.js';
import { message } from '../views.js';

/** The metric catalog: every number on the dashboard links here (or opens the entry in a drawer). */
export const definitionsPage: Page = {
  name: 'definitions',
  path: /^\/definitions(?:\/([^/]+))?$/,
  title: 'Metric definitions',
  nav: 'Definitions',
  href: '/definitions',
  async render(ctx) {
    const catalog = await loadCatalog();
    const one = ctx.params[0];
    if (one) {
      const m = catalog.get(one);
      append(
        ctx.main,
        el('h1', {}, 'Metric definition'),
        m ? definitionBlock(m) : message(`No metric ${one} in the catalog.`, 'error'),
        el('p', {}, el('a', { href: '/definitions' }, 'All definitions')),
      );
      return;
    }
    append(
      ctx.main,
      el('h1', {}, 'Metric definitions'),
      el('p', { class: 'lead' }, 'What every number means, how it is computed, and when not to trust it.'),
      el(
        'nav',
        { 'aria-label': 'Metrics', class: 'toc' },
        el(
          'ul',
          {},
          [...catalog.values()].map((m) => el('li', {}, el('a', { href: `#metric-${m.id}` }, m.title))),
        ),
      ),
      [...catalog.values()].map((m) => definitionBlock(m, 'h3')),
    );
  },
};
