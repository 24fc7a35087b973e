import { adoptTokenFromUrl, hasToken } from './api.js';
import { wireDefinitionDrawer } from './definitions.js';
import { append, el } from './dom.js';
import { FilterBar } from './filterbar.js';
import { PAGES } from './pages/index.js';
import { Router } from './router.js';
import { setNavigator } from './state.js';
import { message } from './views.js';

adoptTokenFromUrl();
const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const form = document.getElementById('filters') as HTMLFormElement;
const dialog = document.getElementById('definition') as HTMLDialogElement;

if (!hasToken()) {
  main.dataset.ready = 'true';
  append(
    main,
    el('h1', {}, 'Mileage'),
    message(
      'No session: open the dashboard with the URL that `mileage serve` (or `npm start`) printed — it carries a session token.',
      'error',
    ),
  );
} else {
  let filters: FilterBar | null = null;
  const router = new Router(
    PAGES,
    main,
    nav,
    () => filters?.sync(),
    () => filters?.loadChoices(),
  );
  setNavigator((href) => router.go(href));
  filters = new FilterBar(form, (href) => router.go(href));
  wireDefinitionDrawer(dialog);
  void router.refresh();
}
