import { filterValues } from './api.js';
import { append, clear, el } from './dom.js';
import { FILTER_KEYS, type FilterKey } from './state.js';
import type { FilterValues } from './types.js';

/**
 * The filter bar: a time window and a team, tool and model. Its state is the URL's query string; a change
 * navigates to the same page with the new query (so Back undoes it) and the page re-renders.
 */
const SELECTS: { key: FilterKey; label: string; all: string; list: 'teams' | 'tools' | 'models' }[] = [
  { key: 'team', label: 'Team', all: 'All teams', list: 'teams' },
  { key: 'tool', label: 'Tool', all: 'All tools', list: 'tools' },
  { key: 'model', label: 'Model', all: 'All models', list: 'models' },
];

export class FilterBar {
  private loadedFor: string | null = null;

  constructor(
    private readonly form: HTMLFormElement,
    private readonly navigate: (href: string) => void,
  ) {
    form.addEventListener('submit', (e) => e.preventDefault());
    form.addEventListener('change', () => this.apply());
  }

  /** Brings the controls in line with the URL (after any navigation). */
  sync(): void {
    this.syncValues();
  }

  /**
   * Loads the values to choose from for the URL's window. Called once the page has rendered, so that the
   * first render does not wait behind it.
   */
  loadChoices(): void {
    this.showWindowInForce();
    const here = new URLSearchParams(location.search);
    const windowKey = `${here.get('since') ?? ''}/${here.get('until') ?? ''}`;
    if (windowKey !== this.loadedFor) {
      this.loadedFor = windowKey;
      void this.loadOptions(here);
    }
  }

  /**
   * The date fields show the window the page was computed over (the page says it in its header): with no
   * window in the URL, instead of an empty "mm/dd/yyyy"; with one, where the page covers another (the
   * calendar's year ends with Until, whatever From says). They are marked as shown, not chosen, so that
   * changing another filter does not pin the window.
   */
  private showWindowInForce(): void {
    const shown = document.querySelector('main [data-window]')?.getAttribute('data-window') ?? '';
    const [since, until] = shown.split('/');
    const here = new URLSearchParams(location.search);
    for (const [key, value] of [
      ['since', since],
      ['until', until],
    ] as const) {
      const input = this.form.elements.namedItem(key) as HTMLInputElement | null;
      if (!input || !value || here.get(key) === value) continue;
      input.value = value;
      input.dataset.shown = value;
    }
  }

  private syncValues(): void {
    const here = new URLSearchParams(location.search);
    if (!this.form.elements.namedItem('since')) this.build();
    for (const key of FILTER_KEYS) {
      const control = this.form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement | null;
      if (!control) continue;
      const value = here.get(key) ?? '';
      if (control instanceof HTMLSelectElement) ensureOption(control, value);
      control.value = value;
      delete control.dataset.shown;
    }
  }

  private build(): void {
    clear(this.form);
    const date = (key: FilterKey, label: string) =>
      el(
        'div',
        { class: 'field' },
        el('label', { for: `f-${key}` }, label),
        el('input', { id: `f-${key}`, name: key, type: 'date' }),
      );
    const reset = el('button', { type: 'button', class: 'reset' }, 'Reset filters');
    reset.addEventListener('click', () => {
      const params = new URLSearchParams(location.search);
      for (const key of FILTER_KEYS) params.delete(key);
      const query = params.toString();
      this.navigate(location.pathname + (query ? `?${query}` : ''));
    });
    append(
      this.form,
      date('since', 'From'),
      date('until', 'Until (exclusive)'),
      SELECTS.map((s) =>
        el(
          'div',
          { class: 'field' },
          el('label', { for: `f-${s.key}` }, s.label),
          el('select', { id: `f-${s.key}`, name: s.key }, el('option', { value: '' }, s.all)),
        ),
      ),
      reset,
    );
  }

  private async loadOptions(here: URLSearchParams): Promise<void> {
    const params = new URLSearchParams();
    for (const key of ['since', 'until'] as const) {
      const v = here.get(key);
      if (v) params.set(key, v);
    }
    let values: FilterValues;
    try {
      values = await filterValues(params);
    } catch {
      return; // the page shows the API's error; the selects keep their current options
    }
    for (const s of SELECTS) {
      const select = this.form.elements.namedItem(s.key) as HTMLSelectElement;
      const chosen = new URLSearchParams(location.search).get(s.key) ?? '';
      clear(select);
      append(
        select,
        el('option', { value: '' }, s.all),
        values[s.list].map((v) =>
          el('option', { value: v }, s.key === 'team' ? (values.teamNames?.[v] ?? v) : v),
        ),
      );
      ensureOption(select, chosen);
      select.value = chosen;
    }
  }

  private apply(): void {
    const params = new URLSearchParams(location.search);
    const controlOf = (key: FilterKey) =>
      this.form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement | null;
    // Editing either date sets the window: the other date is then chosen too, even if only shown so far.
    const windowEdited = (['since', 'until'] as const).some((key) => {
      const c = controlOf(key);
      return c !== null && c.value !== (c.dataset.shown ?? params.get(key) ?? '');
    });
    for (const key of FILTER_KEYS) {
      const control = controlOf(key);
      const value = control?.value ?? '';
      // A date field still showing the page's own window was not chosen: it stays out of the URL.
      if (!windowEdited && value && control?.dataset.shown === value) continue;
      if (value) params.set(key, value);
      else params.delete(key);
    }
    const query = params.toString();
    this.navigate(location.pathname + (query ? `?${query}` : ''));
  }
}

function ensureOption(select: HTMLSelectElement, value: string): void {
  if (value && ![...select.options].some((o) => o.value === value)) {
    select.append(el('option', { value }, value));
  }
}
