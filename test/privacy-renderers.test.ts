import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookRepricer, priceBookFor } from '../src/cli/pricing.js';
import { diagnosticWindows } from '../src/diagnostics/windows.js';
import { weeklyReport } from '../src/diagnostics/weekly.js';
import type { Privacy } from '../src/domain/directory.js';
import type { DayWindow } from '../src/domain/time.js';
import type { MetricContext } from '../src/metrics/metric.js';
import { DIMENSIONS, spendBy } from '../src/metrics/query.js';
import { QUERIES } from '../src/metrics/registry.js';
import { seatReport } from '../src/metrics/seat-list.js';
import { dataExtent } from '../src/metrics/spend.js';
import type { MetricTable } from '../src/metrics/table.js';
import { whatIf } from '../src/metrics/whatif.js';
import type { Viewer } from '../src/org/privacy.js';
import { reconcile } from '../src/reconcile/reconcile.js';
import { renderWeeklyHtml } from '../src/report/html.js';
import { renderWeeklyJson } from '../src/report/json.js';
import { renderWeeklyMarkdown } from '../src/report/markdown.js';
import { renderMetricTable } from '../src/report/metric-table.js';
import { renderReconcile, renderReconcileSummary } from '../src/report/reconcile.js';
import { weeklySlackMessage } from '../src/report/slack.js';
import { renderWeeklyTerminal } from '../src/report/terminal.js';
import { demoStore, type DemoStore } from './support/demo-store.js';

/**
 * Issue 6's privacy bar, over every renderer at once: with individuals hidden, no output of any catalog
 * metric (ungrouped and by each dimension it takes, as a terminal table and as JSON), of the weekly report
 * (terminal, Markdown, HTML, JSON, Slack), of what-if, seats, reconciliation or the FOCUS export contains a demo person's
 * name, id, email or login — for an admin as for a viewer, since "hidden" binds everyone — and every team
 * row shown has at least `min_group_size` people in the window, the rest folded into "other". The API and
 * the dashboard have their own tests (server/api/access.test.ts, browser tests) over the same rules.
 */
const MIN_GROUP = 3;
const HIDDEN: Privacy = { individuals: 'hidden', minGroupSize: MIN_GROUP };
const VIEWERS: Viewer[] = [{ role: 'admin' }, { role: 'viewer' }];
/** Rows that are not a team even when a table is grouped by team. */
const NOT_A_TEAM = new Set(['other', 'unattributed', 'none', 'unknown', 'total', 'all']);

let demo: DemoStore;
let window: DayWindow;
let identifiers: string[];
let teamSizes: Map<string, number>;

beforeAll(async () => {
  demo = await demoStore();
  const extent = await dataExtent({ db: demo.db });
  if (!extent) throw new Error('the demo store is empty');
  window = diagnosticWindows(extent.first, extent.last).report;
  const ids = new Set<string>();
  for (const p of demo.directory.people) {
    ids.add(p.name.toLowerCase());
    ids.add(p.id.toLowerCase());
    for (const a of p.aliases) if (a.kind !== 'tracker_id') ids.add(a.value.toLowerCase());
  }
  // Very short strings ("al") would match inside ordinary words; every demo identifier is longer.
  identifiers = [...ids].filter((s) => s.length >= 4);
  // People per team in the window, from spend and delivery together: an upper bound on any metric's count.
  const sizes = await demo.db.query(
    `SELECT team_id, count(DISTINCT person_id) AS people FROM (
       SELECT team_id, person_id FROM ledger WHERE day >= CAST($since AS DATE) AND day < CAST($until AS DATE)
       UNION ALL
       SELECT team_id, person_id FROM outcomes_identity
       WHERE day >= CAST($since AS DATE) AND day < CAST($until AS DATE)
     ) WHERE team_id IS NOT NULL AND person_id IS NOT NULL GROUP BY team_id`,
    { since: window.since, until: window.until },
  );
  teamSizes = new Map(sizes.map((r) => [String(r.team_id), Number(r.people)]));
}, 180_000);

afterAll(async () => demo?.close());

const ctxFor = (viewer: Viewer): MetricContext => ({ db: demo.db, window, privacy: HIDDEN, viewer });

function expectNobodyIn(output: string, where: string): void {
  const text = output.toLowerCase();
  for (const id of identifiers) expect(text.includes(id), `${where} contains "${id}"`).toBe(false);
}

function expectTeamsFolded(t: MetricTable, where: string): void {
  if (t.by !== 'team') return;
  for (const row of t.rows) {
    // Some tables split each team's row further (allocation: "team|category").
    const team = row.key.split('|')[0] ?? row.key;
    if (NOT_A_TEAM.has(team)) continue;
    expect(teamSizes.get(team) ?? 0, `${where}: team ${team} shown`).toBeGreaterThanOrEqual(MIN_GROUP);
  }
}

describe('privacy over every renderer, individuals hidden', () => {
  it('has teams below the minimum size in the window, so folding is exercised', () => {
    expect([...teamSizes.values()].some((n) => n < MIN_GROUP)).toBe(true);
    expect([...teamSizes.values()].some((n) => n >= MIN_GROUP)).toBe(true);
  });

  it('names nobody in any catalog metric, in the terminal or JSON, and folds small teams', async () => {
    let folded = 0;
    let tables = 0;
    for (const viewer of VIEWERS) {
      const ctx = ctxFor(viewer);
      for (const q of QUERIES) {
        for (const by of [null, ...q.dims]) {
          const where = `${q.id}${by ? ` by ${by}` : ''} (${viewer.role})`;
          const t = await q.run(ctx, by);
          tables += 1;
          if (by === 'person') expect(t.by, `${where} falls back from person`).not.toBe('person');
          expectNobodyIn(renderMetricTable(t), where);
          expectNobodyIn(JSON.stringify(t), `${where} JSON`);
          expectTeamsFolded(t, where);
          if (t.by === 'team' && t.rows.some((r) => r.key === 'other')) folded += 1;
        }
      }
      for (const dim of DIMENSIONS) {
        const groups = await spendBy(ctx, dim);
        expectNobodyIn(JSON.stringify(groups), `spend.total by ${dim} (${viewer.role})`);
        if (dim === 'team' || dim === 'person') {
          for (const g of groups) {
            if (NOT_A_TEAM.has(g.key)) continue;
            expect(teamSizes.get(g.key) ?? 0, `spend.total by ${dim}: ${g.key}`).toBeGreaterThanOrEqual(
              MIN_GROUP,
            );
          }
          expect(groups.some((g) => g.key === 'other')).toBe(true);
        }
      }
    }
    expect(tables).toBeGreaterThan(100);
    expect(folded).toBeGreaterThan(0);
  }, 300_000);

  it('names nobody in the weekly report, whatever the format', async () => {
    const book = priceBookFor(demo.directory);
    for (const viewer of VIEWERS) {
      const report = await weeklyReport({
        db: demo.db,
        org: demo.directory.org,
        privacy: HIDDEN,
        viewer,
        reprice: bookRepricer(book),
      });
      if (!report) throw new Error('no weekly report');
      expect(report.findings.length).toBeGreaterThan(0);
      const outputs: Record<string, string> = {
        terminal: renderWeeklyTerminal(report, { color: false }),
        markdown: renderWeeklyMarkdown(report),
        html: renderWeeklyHtml(report),
        json: renderWeeklyJson(report),
        slack: JSON.stringify(weeklySlackMessage(report)),
      };
      for (const [format, text] of Object.entries(outputs)) {
        expect(text.length, format).toBeGreaterThan(200);
        expectNobodyIn(text, `weekly ${format} (${viewer.role})`);
      }
    }
  }, 120_000);

  it('names nobody in what-if, seats or reconciliation', async () => {
    const book = priceBookFor(demo.directory);
    for (const viewer of VIEWERS) {
      const ctx = ctxFor(viewer);
      for (const by of [null, 'person', 'team'] as const) {
        const t = await whatIf(ctx, bookRepricer(book), { model: 'claude-haiku-4-5', cacheHit: null }, by);
        expect(t.rows.length).toBeGreaterThan(0);
        expectNobodyIn(renderMetricTable(t) + JSON.stringify(t), `whatif by ${by} (${viewer.role})`);
        expectTeamsFolded(t, `whatif by ${by}`);
      }
      const seats = await seatReport({ db: demo.db, privacy: HIDDEN, viewer }, window.until);
      expect(seats.hiddenSeats).toBeGreaterThan(0);
      expectNobodyIn(JSON.stringify(seats), `seats (${viewer.role})`);
      const months = await reconcile(demo.db, {
        since: window.since,
        until: window.until,
        privacy: HIDDEN,
        viewer,
      });
      expect(months.length).toBeGreaterThan(0);
      expectNobodyIn(
        renderReconcile(months) + renderReconcileSummary(months) + JSON.stringify(months),
        `reconcile (${viewer.role})`,
      );
      for (const m of months)
        for (const p of m.people)
          if (p.person !== null && p.person !== 'team:other')
            expect(
              teamSizes.get(p.person.replace(/^team:/, '')) ?? 0,
              `reconcile ${p.person}`,
            ).toBeGreaterThanOrEqual(MIN_GROUP);
    }
  }, 120_000);

  it('names nobody in the FOCUS export, and tags small teams "other"', async () => {
    const path = join(demo.dir, 'focus.csv');
    const out = await demo.db.exportFocus({
      path,
      format: 'csv',
      since: window.since,
      until: window.until,
      namesPeople: false,
      minGroupSize: MIN_GROUP,
    });
    expect(out.rows).toBeGreaterThan(0);
    expectNobodyIn(await readFile(path, 'utf8'), 'FOCUS export');
    const tags = await demo.db.query(
      `SELECT DISTINCT json_extract_string(Tags, '$.team') AS team FROM read_csv('${path}')`,
    );
    const teams = tags.map((t) => (t.team === null ? null : String(t.team)));
    expect(teams).toContain('other');
    for (const team of teams)
      if (team !== null && team !== 'other')
        expect(teamSizes.get(team) ?? 0, `FOCUS team tag ${team}`).toBeGreaterThanOrEqual(MIN_GROUP);
  });
});
