import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDirectory } from '../src/domain/directory.js';
import type { UsageRecord } from '../src/domain/usage.js';
import { weeklyReport } from '../src/diagnostics/weekly.js';
import { findQuery } from '../src/metrics/registry.js';
import type { MetricTable } from '../src/metrics/table.js';
import { buildStore, context, days, ORG, outcome, usage } from '../src/metrics/testing/fixture.js';
import { renderWeeklyHtml } from '../src/report/html.js';
import { renderWeeklyJson } from '../src/report/json.js';
import { renderWeeklyMarkdown } from '../src/report/markdown.js';
import { renderMetricTable } from '../src/report/metric-table.js';
import { renderWeeklyTerminal } from '../src/report/terminal.js';
import { createToken } from '../src/server/tokens.js';
import type { Db } from '../src/store/db.js';
import { byUnit } from '../web/src/format.js';
import { apiOver } from './support/demo-store.js';
import { parseCsv, sameCell } from './support/csv.js';
import { QUERIES } from '../src/metrics/registry.js';

/**
 * An unpriced cost is never $0, in any output. Team Alpha (Ana) works on a priced model; team Beta (Cy) only
 * on a model no price book knows, so every dollar figure of Beta's is unknown. Each surface — the metric
 * table, the API's JSON and CSV, the terminal table, the dashboard's cell formatting and the weekly report in
 * every format — must show Beta's spend as unpriced (null, empty, "unpriced", "—"), never as $0.
 */
const W = { since: '2026-10-05', until: '2026-10-19' };
const DAYS = days('2026-09-21', 28);

/** A record of a model with no list price and no override: stored with no amount, as the pricing pass leaves it. */
function unpriced(day: string, id: string): UsageRecord {
  const r = usage({
    day,
    id,
    cost: '0',
    actor: 'cy@acme.test',
    model: 'acme-internal-llm-9',
    tokens: { input: 40_000 },
  });
  return { ...r, cost: { amount: null, basis: 'list_estimate', priceRef: null } };
}

let db: Db;
let token = '';
let server: ReturnType<typeof apiOver>;

beforeAll(async () => {
  const records = DAYS.flatMap((day) => [
    usage({
      day,
      id: 'ana',
      cost: '2.50',
      actor: 'ana@acme.test',
      tokens: { input: 100_000, output: 5_000 },
    }),
    unpriced(day, 'cy'),
  ]);
  const prs = DAYS.filter((_, i) => i % 3 === 0).flatMap((day) => [
    outcome({ day, id: `ana-${day}`, actor: 'ana@acme.test', points: 2 }),
    outcome({ day, id: `cy-${day}`, actor: 'cy@acme.test', points: 3 }),
  ]);
  db = await buildStore(ORG, records, prs);
  server = apiOver(db, { ...emptyDirectory(), ...ORG }, { individuals: 'visible', minGroupSize: 1 });
  token = (await createToken(db, { role: 'admin', teams: null, name: 'test' })).token;
}, 60_000);

afterAll(async () => db?.close());

/** The metrics whose rows carry a team's dollars, by team. */
const MONEY_BY_TEAM = [
  { id: 'spend.total', money: ['cost'] },
  { id: 'effectiveness.cost_per_merged_pr', money: ['spend', 'cost_per_unit'] },
  { id: 'quadrant.delivery_efficiency', money: ['spend'] },
] as const;

const beta = (t: MetricTable) => {
  const row = t.rows.find((r) => r.key === 'beta');
  if (!row) throw new Error(`${t.metric} has no row for team Beta: ${t.rows.map((r) => r.key).join(', ')}`);
  return row;
};

async function api(path: string): Promise<Response> {
  const res = await server.app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return res;
}

describe('an unpriced cost', () => {
  it('is null in the metric tables, with the priced team beside it in dollars', async () => {
    for (const m of MONEY_BY_TEAM) {
      const t = await findQuery(m.id)!.run(context(db, W.since, W.until), 'team');
      const alpha = t.rows.find((r) => r.key === 'alpha');
      for (const col of m.money) {
        expect(beta(t).values[col], `${m.id} ${col}`).toBeNull();
        expect(alpha?.values[col], `${m.id} ${col} of Alpha`).not.toBeNull();
      }
    }
    // Its volume is counted apart: 14 days × 40,000 tokens.
    const spend = await findQuery('spend.total')!.run(context(db, W.since, W.until), 'team');
    expect(beta(spend).values.unpriced_tokens).toBe(14 * 40_000);
    expect(spend.rows.find((r) => r.key === 'alpha')?.values.cost).toBe('35');
  });

  it('is null in the API’s JSON and an empty cell in its CSV, never 0', async () => {
    for (const m of MONEY_BY_TEAM) {
      const q = `?by=team&since=${W.since}&until=${W.until}`;
      const { table } = (await (await api(`/metrics/${m.id}${q}`)).json()) as { table: MetricTable };
      for (const col of m.money) expect(beta(table).values[col], `${m.id} ${col}`).toBeNull();
      const csv = (await (await api(`/metrics/${m.id}${q}&format=csv`)).text()).trimEnd().split('\r\n');
      const line = csv.find((l) => l.startsWith('Beta,'));
      expect(line, `${m.id}: Beta's CSV line`).toBeDefined();
      const cells = (line ?? '').split(',');
      for (const col of m.money) {
        const i = table.columns.findIndex((c) => c.id === col) + 1;
        expect(cells[i], `${m.id} ${col} CSV cell`).toBe('');
      }
    }
  });

  it('reads "unpriced" or "—" in the terminal table and on the dashboard, never $0', async () => {
    for (const m of MONEY_BY_TEAM) {
      const t = await findQuery(m.id)!.run(context(db, W.since, W.until), 'team');
      const line = renderMetricTable(t)
        .split('\n')
        .find((l) => l.trimStart().startsWith('Beta'));
      expect(line, `${m.id}: Beta's terminal line`).toBeDefined();
      expect(line).not.toMatch(/\$0(\.0+)?\b/);
      const shown = m.money.map((col) => byUnit(t.columns.find((c) => c.id === col)?.unit ?? '', null));
      for (const s of shown) expect(['unpriced', '—']).toContain(s);
      if (t.columns.find((c) => c.id === m.money[0])?.unit === 'USD') expect(line).toContain('unpriced');
    }
  });

  it('is never a $0 line in the weekly report, in any format, and its volume is reported', async () => {
    const report = await weeklyReport({
      db,
      org: 'acme',
      privacy: { individuals: 'visible', minGroupSize: 1 },
      viewer: { role: 'owner' },
      reprice: () => null,
      window: W,
    });
    if (!report) throw new Error('the store has data');
    const outputs = {
      terminal: renderWeeklyTerminal(report, { color: false }),
      markdown: renderWeeklyMarkdown(report),
      html: renderWeeklyHtml(report),
      json: renderWeeklyJson(report),
    };
    // No team's line in the whole-bill-by-team is a $0 standing for unknown dollars (Beta's usage is all
    // unpriced: it is reported as unpriced volume, with its model, and in no dollar line).
    expect(report.byTeam.map((t) => t.label)).toContain('Alpha');
    for (const t of report.byTeam) expect(t.cost.isZero(), t.label).toBe(false);
    expect(report.headline.unpricedTokens).toBe(14 * 40_000);
    for (const [format, text] of Object.entries(outputs)) {
      for (const line of text.split('\n').filter((l) => /Beta|Cy Wren/.test(l)))
        expect(line, `${format}: ${line}`).not.toMatch(/\$0\.00\b|"cost": "0"/);
      // The unpriced volume is reported, with its model.
      expect(text, format).toContain('acme-internal-llm-9');
    }
  });
});

describe('every query result', () => {
  it('downloads as CSV from the API: the header, the rows and every cell of its JSON answer', async () => {
    for (const q of QUERIES) {
      // Grouped by team where it can be (Beta's unpriced cells included), else its fixed rows.
      const by = q.dims.includes('team') ? 'team' : null;
      const query = `since=${W.since}&until=${W.until}${by ? `&by=${by}` : ''}`;
      const { table } = (await (await api(`/metrics/${q.id}?${query}`)).json()) as { table: MetricTable };
      const res = await api(`/metrics/${q.id}?${query}&format=csv`);
      expect(res.headers.get('content-type'), q.id).toContain('text/csv');
      const csv = parseCsv(await res.text());
      expect(csv[0], `${q.id}: header`).toEqual([
        table.by ?? 'row',
        ...table.columns.map((c) => `${c.label} (${c.unit})`),
      ]);
      expect(csv.length - 1, `${q.id}: rows`).toBe(table.rows.length);
      for (const [i, row] of table.rows.entries()) {
        const line = csv[i + 1] ?? [];
        expect([row.label, `'${row.label}`], `${q.id}: row ${i + 1}`).toContain(line[0]);
        for (const [k, c] of table.columns.entries())
          expect(
            sameCell(line[k + 1], row.values[c.id]),
            `${q.id} ${row.key} ${c.id}: CSV ${line[k + 1]}, JSON ${row.values[c.id]}`,
          ).toBe(true);
      }
    }
  });
});
