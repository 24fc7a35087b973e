import { loadCatalog } from './api.js';
import { clear, el } from './dom.js';
import type { MetricDefinition } from './types.js';

/**
 * Every number on the dashboard is a link to its metric definition (`/definitions/ID`). A click opens the
 * definition in a drawer (a modal <dialog>: focus moves in, Escape closes it); the link works on its own too.
 */
export function metricLink(
  metricId: string,
  text: string,
  attrs: Record<string, string> = {},
): HTMLAnchorElement {
  return el(
    'a',
    {
      class: 'num',
      href: `/definitions/${encodeURIComponent(metricId)}`,
      'data-metric': metricId,
      title: `How ${metricId} is computed`,
      ...attrs,
    },
    text,
  );
}

export function definitionBlock(
  m: MetricDefinition,
  headingLevel: 'h2' | 'h3' = 'h2',
  titleId?: string,
): HTMLElement {
  return el(
    'article',
    { class: 'definition', id: `metric-${m.id}`, 'data-definition': m.id },
    el(headingLevel, { id: titleId ?? null }, m.title),
    el('p', { class: 'metric-id' }, el('code', {}, m.id)),
    el(
      'dl',
      {},
      el('dt', {}, 'Question'),
      el('dd', {}, m.question),
      el('dt', {}, 'Formula'),
      el('dd', {}, m.formula),
      el('dt', {}, 'Unit'),
      el('dd', {}, m.unit),
      el('dt', {}, 'Direction'),
      el('dd', {}, m.direction.replace(/_/g, ' ')),
      el('dt', {}, 'Minimum sample'),
      el('dd', {}, m.minSample),
      m.dims.length ? [el('dt', {}, 'Can be grouped by'), el('dd', {}, m.dims.join(', '))] : null,
      m.caveats.length
        ? [
            el('dt', {}, 'Caveats'),
            el(
              'dd',
              {},
              el(
                'ul',
                {},
                m.caveats.map((c) => el('li', {}, c)),
              ),
            ),
          ]
        : null,
    ),
  );
}

async function openDrawer(dialog: HTMLDialogElement, metricId: string, opener: HTMLElement): Promise<void> {
  const catalog = await loadCatalog();
  const m = catalog.get(metricId);
  clear(dialog);
  const close = el('button', { type: 'button', class: 'close' }, 'Close');
  close.addEventListener('click', () => dialog.close());
  dialog.append(
    m
      ? definitionBlock(m, 'h2', 'definition-title')
      : el('h2', { id: 'definition-title' }, `Unknown metric ${metricId}`),
    el('p', {}, el('a', { href: `/definitions#metric-${metricId}` }, 'All definitions'), ' ', close),
  );
  dialog.addEventListener('close', () => opener.focus(), { once: true });
  dialog.showModal();
  close.focus();
}

/** Number links open the drawer instead of navigating (unless opened in a new tab). */
export function wireDefinitionDrawer(dialog: HTMLDialogElement): void {
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[data-metric]');
    if (!(link instanceof HTMLAnchorElement)) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void openDrawer(dialog, link.dataset.metric ?? '', link);
  });
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close(); // a click on the backdrop
  });
}
