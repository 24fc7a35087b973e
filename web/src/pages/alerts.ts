import { alertsTable } from '../../../src/report/page-tables.js';
import { ApiError, fromAnswer, get, post } from '../api.js';
import { append, clear, el } from '../dom.js';
import type { Page, PageContext } from '../page.js';
import { message, pageHeader, section, withDownload } from '../views.js';

/** An alert as GET /alerts lists it (src/governance/history.ts StoredAlert). */
export interface AlertRow {
  id: string;
  rule: string;
  subject: string;
  period: string;
  level: number;
  severity: string;
  teamId: string | null;
  route: string;
  title: string;
  message: { happened: string; evidence: [string, string][]; question: string; metricIds: string[] };
  state: 'open' | 'acknowledged' | 'muted';
  raisedAt: string;
  updatedAt: string;
  notifications: number;
  deliveries: Record<string, string>;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

const STATES = ['all', 'open', 'acknowledged', 'muted'] as const;
/** The browser's today: the "as of" day of an empty list (the server names the download by its own). */
const today = () => new Date().toISOString().slice(0, 10);
const MUTE_DAYS = 7;

/** `2026-07-02 15:40:09+00` → `2026-07-02 15:40` (the store's text, UTC). */
const when = (t: string | null) => (t ? t.slice(0, 16).replace('T', ' ') : '—');

/**
 * The alert history (GET /alerts): state, rule, subject, who it was routed to and how each channel took it,
 * the message as sent; acknowledge (POST /alerts/ID/ack) and mute the rule and subject for a week (POST
 * /alerts/ID/mute) from the row. The state filter is the `state` query parameter, so a view can be linked.
 * Alerts are not narrowed by the team, tool or model pickers: the API already scopes a manager's list.
 */
export const alertsPage: Page = {
  name: 'alerts',
  path: /^\/alerts$/,
  title: 'Alerts',
  nav: 'Alerts',
  href: '/alerts',
  async render(ctx) {
    const state = new URLSearchParams(location.search).get('state') ?? 'all';
    const list = el('div', { class: 'alert-list' });
    const status = el('p', { class: 'alert-status', role: 'status', 'aria-live': 'polite' });
    const picker = el(
      'select',
      { id: 'alert-state', name: 'state' },
      STATES.map((s) => el('option', { value: s, selected: s === state }, s)),
    );
    picker.addEventListener('change', () => {
      const url = new URL(location.href);
      if (picker.value === 'all') url.searchParams.delete('state');
      else url.searchParams.set('state', picker.value);
      history.replaceState(history.state, '', url.pathname + url.search);
      void draw(ctx, list, status, picker.value);
    });
    append(
      ctx.main,
      pageHeader(
        'Alerts',
        'What the alert rules raised (budgets, spikes, runaway sessions, unpriced models, silent sources), who each was routed to — a team’s coach first, never a grade — and how it ended. Acknowledge an alert once someone has looked; mute a rule and subject to record its alerts without sending them. The team, tool and model filters do not apply here.',
      ),
      section(
        'Alert history',
        el('p', { class: 'alert-filter' }, el('label', { for: 'alert-state' }, 'State '), picker),
        status,
        list,
      ),
    );
    await draw(ctx, list, status, state);
  },
};

async function draw(ctx: PageContext, list: HTMLElement, status: HTMLElement, state: string): Promise<void> {
  const params = new URLSearchParams();
  if (state !== 'all') params.set('state', state);
  const { alerts } = await get<{ alerts: AlertRow[] }>('/alerts', params, ctx.signal);
  clear(list);
  if (alerts.length === 0) {
    append(list, message(state === 'all' ? 'No alert raised yet.' : `No ${state} alert.`));
    return;
  }
  // The same list as data, downloadable as the API's `table=alerts` of this request.
  const data = fromAnswer(alertsTable(alerts, today()), '/alerts', params, 'alerts');
  append(
    list,
    withDownload(
      alertTable(alerts, (action, alert) => void act(ctx, list, status, state, action, alert)),
      data,
      'Alert history',
    ),
  );
}

type Action = 'ack' | 'mute';

async function act(
  ctx: PageContext,
  list: HTMLElement,
  status: HTMLElement,
  state: string,
  action: Action,
  alert: AlertRow,
): Promise<void> {
  try {
    if (action === 'ack') await post(`/alerts/${encodeURIComponent(alert.id)}/ack`, {});
    else await post(`/alerts/${encodeURIComponent(alert.id)}/mute`, { days: MUTE_DAYS });
    status.textContent =
      action === 'ack'
        ? `Acknowledged: ${alert.title}`
        : `Muted for ${MUTE_DAYS} days: ${alert.rule} on ${alert.subject}`;
    await draw(ctx, list, status, state);
  } catch (e) {
    status.textContent = `Could not ${action === 'ack' ? 'acknowledge' : 'mute'}: ${
      e instanceof ApiError || e instanceof Error ? e.message : String(e)
    }`;
  }
}

function alertTable(alerts: AlertRow[], onAction: (action: Action, alert: AlertRow) => void): HTMLElement {
  const head = ['State', 'Alert', 'Rule', 'Subject', 'Routed to', 'Deliveries', 'Raised', 'Updated', ''];
  return el(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Alert history' },
    el(
      'table',
      { 'data-table': 'alerts' },
      el('caption', {}, 'Alert history, most recently updated first'),
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
        alerts.map((a) => {
          const ack = el('button', { type: 'button', 'data-action': 'ack' }, 'Acknowledge');
          ack.addEventListener('click', () => onAction('ack', a));
          const mute = el('button', { type: 'button', 'data-action': 'mute' }, `Mute ${MUTE_DAYS} days`);
          mute.addEventListener('click', () => onAction('mute', a));
          return el(
            'tr',
            { 'data-alert': a.id, 'data-state': a.state },
            el('td', { 'data-col': 'state' }, el('span', { class: `alert-state ${a.state}` }, a.state)),
            el(
              'th',
              { scope: 'row', 'data-col': 'title' },
              el(
                'details',
                {},
                el(
                  'summary',
                  {},
                  `${a.title} `,
                  el('span', { class: 'unit' }, `${a.severity}, level ${a.level}`),
                ),
                el('p', {}, a.message.happened),
                a.message.evidence.length
                  ? el(
                      'dl',
                      {},
                      a.message.evidence.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
                    )
                  : null,
                el('p', { class: 'question' }, a.message.question),
              ),
            ),
            el('td', { 'data-col': 'rule' }, a.rule),
            el(
              'td',
              { 'data-col': 'subject' },
              a.subject,
              a.teamId ? el('span', { class: 'unit' }, a.teamId) : null,
            ),
            el('td', { 'data-col': 'route' }, a.route),
            el(
              'td',
              { 'data-col': 'deliveries' },
              Object.entries(a.deliveries).length
                ? Object.entries(a.deliveries).map(([channel, result]) =>
                    el(
                      'span',
                      { class: `delivery ${result.startsWith('ok') ? 'ok' : 'failed'}` },
                      `${channel}: ${result}`,
                    ),
                  )
                : a.state === 'muted'
                  ? 'not sent (muted)'
                  : '—',
              el(
                'span',
                { class: 'unit' },
                `${a.notifications} message${a.notifications === 1 ? '' : 's'} (new, escalated)`,
              ),
            ),
            el('td', { 'data-col': 'raised' }, when(a.raisedAt)),
            el(
              'td',
              { 'data-col': 'updated' },
              when(a.updatedAt),
              a.acknowledgedBy ? el('span', { class: 'unit' }, `ack by ${a.acknowledgedBy}`) : null,
            ),
            el(
              'td',
              { 'data-col': 'actions' },
              a.state === 'open' ? ack : null,
              a.state !== 'muted' ? mute : null,
            ),
          );
        }),
      ),
    ),
  );
}
