import { ApiError } from './api.js';
import { disposeCharts } from './charts.js';
import { append, clear, el } from './dom.js';
import { newContext, type Page } from './page.js';
import { hrefWithFilters } from './state.js';
import { message } from './views.js';

/**
 * A tiny History-API router: pages are paths (`/keys`, `/prs/ID`), filters the query string. Internal links
 * are followed without a reload; the server answers every non-API path with the app.
 */
export class Router {
  private current: AbortController | null = null;
  private renders = 0;

  constructor(
    private readonly pages: Page[],
    private readonly main: HTMLElement,
    private readonly nav: HTMLElement,
    private readonly onRoute: () => void,
    private readonly onRendered: () => void = () => undefined,
  ) {
    document.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || link.dataset.metric !== undefined) return;
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/') || link.target) return;
      if (url.hash && url.pathname === location.pathname && url.search === location.search) return; // an anchor
      event.preventDefault();
      this.go(url.pathname + url.search + url.hash);
    });
    window.addEventListener('popstate', () => void this.render(false));
  }

  go(href: string): void {
    history.pushState(null, '', href);
    void this.render(true);
  }

  /** Re-renders the current page (after a filter change, say). */
  refresh(): Promise<void> {
    return this.render(false);
  }

  renderNav(): void {
    clear(this.nav);
    const here = this.match()?.page;
    append(
      this.nav,
      el(
        'ul',
        {},
        this.pages
          .filter((p) => p.nav && p.href)
          .map((p) =>
            el(
              'li',
              {},
              el(
                'a',
                { href: hrefWithFilters(p.href ?? '/'), 'aria-current': p === here ? 'page' : null },
                p.nav ?? '',
              ),
            ),
          ),
      ),
    );
  }

  private match(): { page: Page; params: string[] } | null {
    for (const page of this.pages) {
      const m = page.path.exec(location.pathname);
      if (m) return { page, params: m.slice(1).map((p) => (p === undefined ? '' : decodeURIComponent(p))) };
    }
    return null;
  }

  async render(moveFocus: boolean): Promise<void> {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    const serial = ++this.renders;
    disposeCharts();
    clear(this.main);
    this.main.dataset.ready = 'false';
    this.main.setAttribute('aria-busy', 'true');
    this.onRoute();
    this.renderNav();
    const found = this.match();
    if (!found) {
      document.title = 'Not found · Mileage';
      append(
        this.main,
        el('h1', {}, 'Page not found'),
        message(`No dashboard page at ${location.pathname}.`),
      );
    } else {
      document.title = `${found.page.title} · Mileage`;
      const ctx = newContext(this.main, controller.signal, found.params);
      try {
        await found.page.render(ctx);
        await Promise.all(ctx.rendered);
      } catch (error) {
        if (controller.signal.aborted) return;
        append(this.main, errorView(error));
      }
    }
    if (serial !== this.renders) return;
    this.main.dataset.ready = 'true';
    this.main.dataset.page = found?.page.name ?? 'not-found';
    this.main.removeAttribute('aria-busy');
    performance.mark('mileage:rendered', { detail: { page: found?.page.name ?? null } });
    this.onRendered();
    if (moveFocus) this.main.focus();
  }
}

function errorView(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.status === 401) {
    return message(
      'Not signed in: open the dashboard with the URL `mileage serve` printed (it carries a session token).',
      'error',
    );
  }
  return message(error instanceof Error ? error.message : String(error), 'error');
}
