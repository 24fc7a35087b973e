import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectShown, expectTableMatches, type ApiTable } from './compare.js';
import {
  demoFiles,
  launchBrowser,
  openDashboard,
  screenshot,
  serve,
  waitReady,
  type DemoFiles,
  type OpenedPage,
  type Served,
  variantOf,
  BROWSER_TEST_TIMEOUT,
} from './harness.js';

interface Weekly {
  window: { since: string; until: string };
  headline: {
    spend: string;
    mergedPrs: number;
    deliveryPoints: number;
    costPerMergedPr: string | null;
    top5Share: number | null;
    unpricedTokens: number;
  };
  findings: { id: string; flag: boolean; answer: string }[];
}
type Answer = { table: ApiTable };

let files: DemoFiles;
let served: Served;
let browser: Browser;
let tab: OpenedPage;

beforeAll(async () => {
  files = await demoFiles();
  [served, browser] = await Promise.all([serve(files.store, files.config, files.dir), launchBrowser()]);
  tab = await openDashboard(browser, served, '/');
}, 240_000);

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await served?.stop();
  await files?.remove();
});

/** Navigates inside the open tab (the session token is already in its sessionStorage). */
async function visit(path: string): Promise<Page> {
  await tab.page.goto(`${served.url}${path}`);
  await waitReady(tab.page);
  return tab.page;
}

async function kpi(page: Page, name: string): Promise<string> {
  return (await page.textContent(`[data-kpi="${name}"] a.num`)) ?? '';
}

describe('dashboard on the demo store', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  it('opens from the URL mileage serve prints and drops the token from the address bar', async () => {
    const opened = await openDashboard(browser, served, '/');
    try {
      expect(opened.page.url()).toBe(`${served.url}/`);
      expect(await opened.page.textContent('h1')).toBe('Overview');
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('shows the overview numbers the API answers', async () => {
    const weekly = await served.api<Weekly>('/reports/weekly');
    const growth = await served.api<Answer>('/metrics/trajectory.growth');
    const page = await visit('/');
    const h = weekly.headline;
    expectShown(await kpi(page, 'spend'), h.spend, 'spend');
    expectShown(await kpi(page, 'merged-prs'), h.mergedPrs, 'merged PRs');
    expectShown(await kpi(page, 'cost-per-pr'), h.costPerMergedPr, 'cost per merged PR');
    expectShown(await kpi(page, 'points'), h.deliveryPoints, 'delivery points');
    expectShown(await kpi(page, 'top5'), h.top5Share, 'top 5 share');
    expectShown(await kpi(page, 'unpriced'), h.unpricedTokens, 'unpriced tokens');
    expect(await page.getAttribute('[data-window]', 'data-window')).toBe(
      `${weekly.window.since}/${weekly.window.until}`,
    );
    await expectTableMatches(page, 'table[data-table="trajectory.growth"]', growth.table);
    const flagged = weekly.findings.filter((f) => f.flag).length;
    expect(await page.textContent('.findings-summary')).toContain(
      `${flagged} of ${weekly.findings.length} diagnostic findings flagged`,
    );
  });

  it('shows each page’s metric tables as the API answers them', async () => {
    // The variance page answers over the variance finding's own window, so its dots are the finding's figures.
    const { varianceWindow: vw } = await served.api<{ varianceWindow: { since: string; until: string } }>(
      '/reports/weekly',
    );
    const checks: [string, string, string][] = [
      ['/calendar', 'spend.calendar', ''],
      ['/models', 'spend.model_mix', ''],
      ['/keys', 'spend.total', '?by=key'],
      ['/keys', 'concentration.top4_shift', ''],
      ['/keys', 'concentration.keys_for_spend', ''],
      ['/efficiency', 'efficiency.tokens_per_dollar', '?by=key'],
      ['/efficiency', 'efficiency.expected_band', ''],
      ['/quadrant', 'quadrant.delivery_efficiency', '?by=team'],
      ['/variance', 'effectiveness.cost_per_merged_pr', `?by=team&since=${vw.since}&until=${vw.until}`],
      ['/coverage', 'coverage.evidence_levels', ''],
    ];
    for (const [path, id, query] of checks) {
      const api = await served.api<Answer>(`/metrics/${id}${query}`);
      const page = await visit(path);
      // The first table of that metric on the page is the one fetched with these parameters.
      const compared = await expectTableMatches(page, `table[data-table="${id}"]`, api.table);
      expect(compared, `${path} ${id}`).toBeGreaterThan(0);
    }
  });

  it('shows the rework tax, the workflows and the PR drill-down as the API answers them', async () => {
    const rework = await served.api<Answer>('/metrics/quality.rework_tax');
    let page = await visit('/quality');
    const r = rework.table.rows[0]?.values ?? {};
    expectShown(await kpi(page, 'rework-prs'), r.pr_share ?? null, 'rework PR share');
    expectShown(await kpi(page, 'rework-spend'), r.rework_spend ?? null, 'rework spend');

    const workflows = await served.api<{
      rows: { workflow: string; spend: number; outcomes: number; costPerOutcome: number | null }[];
    }>('/workflows');
    page = await visit('/workflows');
    for (const w of workflows.rows) {
      const cell = (col: string) =>
        page.textContent(`table[data-table] tr[data-key="${w.workflow}"] td[data-col="${col}"]`);
      expectShown((await cell('spend')) ?? '', w.spend, `${w.workflow} spend`);
      expectShown((await cell('outcomes')) ?? '', w.outcomes, `${w.workflow} outcomes`);
      expectShown((await cell('cost_per_outcome')) ?? '', w.costPerOutcome, `${w.workflow} cost per outcome`);
    }

    const prs = await served.api<{ rows: { id: string; cost: string | null }[] }>('/prs');
    const costly = [...prs.rows].sort((a, b) => Number(b.cost) - Number(a.cost))[0];
    const detail = await served.api<{
      cost: { amount: string; basis: string };
      pr: { repo: string; number: number };
    }>(`/prs/${costly?.id ?? ''}`);
    page = await visit('/prs');
    expectShown(
      (await page.textContent(
        `table[data-table="prs"] tr[data-key="${costly?.id ?? ''}"] td[data-col="cost"]`,
      )) ?? '',
      costly?.cost ?? null,
      'PR list cost',
    );
    await page.click(`table[data-table="prs"] tr[data-key="${costly?.id ?? ''}"] th a`);
    await waitReady(page);
    expect(new URL(page.url()).pathname).toBe(`/prs/${costly?.id ?? ''}`);
    expect(await page.textContent('main h1')).toContain(`${detail.pr.repo}#${detail.pr.number}`);
    expectShown(await kpi(page, 'pr-cost'), detail.cost.amount, 'PR cost');
    expect(await page.textContent('[data-kpi="pr-cost"] .kpi-label')).toContain(detail.cost.basis);
  });

  it("shows the demo's Alert triage audit: bar, verdicts with intervals, failing cases, cost/quality chart", async () => {
    interface Requirement {
      name: string;
      rate: number;
      n: number;
      status: string;
      interval: { low: number; high: number };
      failures: { caseId: string; why: string }[];
    }
    const bars = await served.api<{
      workflows: {
        workflow: string;
        current: number | null;
        versions: { bar: { requirements: { name: string }[] } }[];
      }[];
    }>('/quality-bars');
    const runs = await served.api<{ runs: { id: string; workflow: string }[] }>(
      '/audits?workflow=alert-triage',
    );
    const run = runs.runs[0];
    expect(run?.id).toBe('audit-demo-alert-triage');
    const detail = await served.api<{
      incumbent: { model: string };
      candidates: { model: string; verdict: string; requirements: Requirement[] }[];
    }>(`/audits/${run?.id ?? ''}`);
    const triage = bars.workflows.find((w) => w.workflow === 'alert-triage');
    expect(triage?.current).toBe(3);

    const page = await visit('/audits');
    expect(await page.textContent('main h1')).toBe('Model audits');
    const scope = '[data-workflow="alert-triage"]';
    // The written bar: its version and every requirement.
    expect(await page.getAttribute(`${scope} [data-bar]`, 'data-bar')).toBe('3');
    const requirements = await page.$$eval(`${scope} table[data-table="audit-bar"] tbody tr`, (rows) =>
      rows.map((r) => r.getAttribute('data-key')),
    );
    expect(requirements).toEqual(triage?.versions.at(-1)?.bar.requirements.map((r) => r.name));
    // The stored run, and its verdicts as the API answers them.
    expect(
      await page.$$eval(`${scope} table[data-table="audit-runs"] tbody tr`, (r) =>
        r.map((x) => x.getAttribute('data-key')),
      ),
    ).toEqual([run?.id]);
    expect(await page.getAttribute(`${scope} tr[data-role="incumbent"]`, 'data-key')).toBe(
      detail.incumbent.model,
    );
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    for (const c of detail.candidates) {
      const row = `${scope} table[data-table="audit-candidates"] tr[data-key="${c.model}"]`;
      expect(await page.getAttribute(`${row} td[data-col="verdict"]`, 'data-verdict')).toBe(c.verdict);
      expect(await page.textContent(`${row} td[data-col="verdict"]`)).toBe(c.verdict);
      for (const r of c.requirements) {
        const cellText = await page.textContent(
          `${scope} table[data-table="audit-requirements"] tr[data-key="${c.model}|${r.name}"] td[data-col="rate"]`,
        );
        expect(cellText).toBe(`${pct(r.rate)} [${pct(r.interval.low)}–${pct(r.interval.high)}]`);
      }
      // Every failing case by id, with its reason.
      for (const r of c.requirements.filter((x) => x.failures.length > 0)) {
        const listed = await page.$$eval(
          `${scope} [data-failures="${c.model}|${r.name}"] li[data-case]`,
          (items) => items.map((i) => [i.getAttribute('data-case'), i.textContent]),
        );
        expect(listed.map(([id]) => id)).toEqual(r.failures.map((f) => f.caseId));
        for (const [i, [, text]] of listed.entries()) expect(text).toContain(r.failures[i]?.why ?? '');
      }
    }
    expect(detail.candidates.map((c) => c.verdict)).toEqual(['move']);
    expect(detail.candidates[0]?.requirements.some((r) => r.failures.length === 4)).toBe(true);
    // The cost/quality chart: the candidate and the incumbent (a diamond) drawn.
    const caption = await page.textContent(`${scope} figure figcaption`);
    expect(caption).toContain('the diamond is the incumbent');
    expect(caption).not.toContain('not plotted');
    const labels = await page.$$eval(`${scope} figure svg text`, (t) => t.map((x) => x.textContent ?? ''));
    expect(labels).toContain(`${detail.incumbent.model} (incumbent)`);
    expect(labels).toContain(`${detail.candidates[0]?.model ?? ''} (move)`);
    await screenshot(page, 'audits-verdict');

    // `mileage start` serves the demo without a mileage.yaml in the working directory: the demo's bar is shown.
    const bare = await variantOf(files, 'no-config', (y) => y);
    const plain = await serve(bare.store, null, files.dir);
    const other = await openDashboard(browser, plain, '/audits');
    try {
      expect(await other.page.getAttribute(`${scope} [data-bar]`, 'data-bar')).toBe('3');
      expect(
        await other.page.getAttribute(`${scope} td[data-col="verdict"][data-verdict]`, 'data-verdict'),
      ).toBe('move');
      expect(other.errors).toEqual([]);
    } finally {
      await other.close();
      await plain.stop();
    }

    // The run's own page, linked from the runs table, shows the same verdict.
    await page.click(`${scope} table[data-table="audit-runs"] tr[data-key="${run?.id ?? ''}"] th a`);
    await waitReady(page);
    expect(new URL(page.url()).pathname).toBe(`/audits/${run?.id ?? ''}`);
    expect(
      await page.getAttribute(
        `table[data-table="audit-candidates"] tr[data-key="${detail.candidates[0]?.model ?? ''}"] td[data-col="verdict"]`,
        'data-verdict',
      ),
    ).toBe('move');
  });

  it("shows the demo's experiment: verdicts per metric and overall, and its judged figures, as the API answers", async () => {
    const list = await served.api<{ experiments: { id: string }[] }>('/experiments');
    const id = list.experiments[0]?.id ?? '';
    expect(id).toBe('agents-on-the-pr-loop');
    const report = await served.api<{
      verdict: string;
      headline: string;
      results: { metric: string; verdict: string }[];
    }>(`/experiments/${id}`);
    const page = await visit('/experiments');
    expect(await page.textContent('main h1')).toBe('Experiments');
    const scope = `[data-experiment="${id}"]`;
    expect(await page.getAttribute(`${scope} .experiment-verdict [data-verdict]`, 'data-verdict')).toBe(
      report.verdict,
    );
    expect(await page.textContent(`${scope} .headline`)).toBe(report.headline);
    const rows = await page.$$eval(`${scope} table[data-table="experiment-results"] tbody tr`, (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-metric'),
        tr.querySelector('[data-verdict]')?.getAttribute('data-verdict'),
      ]),
    );
    expect(rows).toEqual(report.results.map((r) => [r.metric, r.verdict]));
    // The retro view: one sprint table per metric.
    expect(await page.$$eval(`${scope} table[data-table^="sprints-"]`, (t) => t.length)).toBe(
      report.results.length,
    );
  });

  it('changes the numbers when a filter changes, and keeps the filter in the URL', async () => {
    const filters = await served.api<{ teams: string[]; tools: string[]; models: string[] }>('/filters');
    const team = filters.teams[0] ?? '';
    const all = await served.api<Weekly>('/reports/weekly');
    const one = await served.api<Weekly>(`/reports/weekly?team=${team}`);
    expect(Number(one.headline.spend)).toBeLessThan(Number(all.headline.spend));

    const page = await visit('/');
    expectShown(await kpi(page, 'spend'), all.headline.spend, 'unfiltered spend');
    // The date fields show the window in force, and the team picker shows teams by name.
    await page.waitForFunction(() => (document.querySelector('#f-since') as HTMLInputElement).value !== '');
    expect(await page.inputValue('#f-since')).toBe(all.window.since);
    expect(await page.inputValue('#f-until')).toBe(all.window.until);
    const names = (await served.api<{ teamNames: Record<string, string> }>('/filters')).teamNames;
    expect(names[team]).toBeTruthy();
    await page.waitForSelector(`#f-team option[value="${team}"]`, { state: 'attached' });
    expect(await page.textContent(`#f-team option[value="${team}"]`)).toBe(names[team]);
    await page.selectOption('#f-team', team);
    await page.waitForFunction((t) => new URLSearchParams(location.search).get('team') === t, team);
    // Choosing a team did not pin the window the date fields were only showing.
    expect(new URL(page.url()).searchParams.get('since')).toBeNull();
    await waitReady(page);
    expectShown(await kpi(page, 'spend'), one.headline.spend, `spend of ${team}`);
    expectShown(await kpi(page, 'merged-prs'), one.headline.mergedPrs, `merged PRs of ${team}`);

    // The filter follows navigation, and the page's table is the filtered answer.
    await page.click('#nav a[href^="/keys"]');
    await waitReady(page);
    expect(new URL(page.url()).searchParams.get('team')).toBe(team);
    const keys = await served.api<Answer>(`/metrics/spend.total?by=key&team=${team}`);
    expect(keys.table.rows).not.toEqual((await served.api<Answer>('/metrics/spend.total?by=key')).table.rows);
    await expectTableMatches(page, 'table[data-table="spend.total"]', keys.table);

    // A time window and a model, set through the controls.
    const since = all.window.since;
    const until = `${since.slice(0, 8)}${String(Number(since.slice(8)) + 7).padStart(2, '0')}`;
    const narrow = await served.api<Answer>(
      `/metrics/spend.total?by=key&team=${team}&since=${since}&until=${until}`,
    );
    // The From field already shows the window's first day: setting Until pins both.
    expect(await page.inputValue('#f-since')).toBe(since);
    await page.fill('#f-until', until);
    await page.waitForURL((u) => u.searchParams.get('until') === until);
    expect(new URL(page.url()).searchParams.get('since')).toBe(since);
    await waitReady(page);
    await expectTableMatches(page, 'table[data-table="spend.total"]', narrow.table);
    expect(narrow.table.window).toEqual({ since, until });

    // The costliest model of the team in that week: a filter that leaves rows to compare.
    const models = await served.api<Answer>(
      `/metrics/spend.total?by=model&team=${team}&since=${since}&until=${until}`,
    );
    const model = models.table.rows[0]?.key ?? '';
    expect(filters.models).toContain(model);
    await page.selectOption('#f-model', model);
    await page.waitForURL((u) => u.searchParams.get('model') === model);
    await waitReady(page);
    const byModel = await served.api<Answer>(
      `/metrics/spend.total?by=key&team=${team}&since=${since}&until=${until}&model=${model}`,
    );
    expect(byModel.table.rows.length).toBeGreaterThan(0);
    expect(byModel.table.rows).not.toEqual(narrow.table.rows);
    await expectTableMatches(page, 'table[data-table="spend.total"]', byModel.table);

    // Back undoes the last filter; Reset clears them all.
    await page.goBack();
    await waitReady(page);
    expect(new URL(page.url()).searchParams.get('model')).toBeNull();
    await page.click('button.reset');
    await waitReady(page);
    expect(new URL(page.url()).search).toBe('');
    const unfiltered = await served.api<Answer>('/metrics/spend.total?by=key');
    await expectTableMatches(page, 'table[data-table="spend.total"]', unfiltered.table);
  });

  it('links every number to its metric definition and opens it in a drawer', async () => {
    const catalog = await served.api<{ metrics: { id: string; title: string; formula: string }[] }>(
      '/catalog',
    );
    const ids = new Set(catalog.metrics.map((m) => m.id));
    for (const path of ['/', '/keys', '/quality', '/weekly']) {
      const page = await visit(path);
      const unlinked = await page.$$eval('td.n, .kpi', (els) =>
        els.filter((e) => !e.querySelector('a.num[data-metric]')).map((e) => e.textContent),
      );
      expect(unlinked, path).toEqual([]);
      const linked = await page.$$eval('a.num', (els) =>
        els.map((e) => (e as HTMLElement).dataset.metric ?? ''),
      );
      expect(linked.length).toBeGreaterThan(0);
      for (const id of linked) expect(ids.has(id), `${path}: ${id} is not in the catalog`).toBe(true);
    }
    const page = await visit('/');
    await page.click('[data-kpi="cost-per-pr"] a.num');
    await page.waitForSelector('dialog[open]');
    const entry = catalog.metrics.find((m) => m.id === 'effectiveness.cost_per_merged_pr');
    expect(await page.textContent('dialog[open] h2')).toBe(entry?.title);
    expect(await page.textContent('dialog[open]')).toContain(entry?.formula ?? '');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog:not([open])', { state: 'attached' });
    // Focus returns to the number that opened it.
    expect(
      await page.evaluate(() => document.activeElement?.closest('[data-kpi]')?.getAttribute('data-kpi')),
    ).toBe('cost-per-pr');
  });

  it('can be used from the keyboard: skip link, navigation and the drawer', async () => {
    const page = await visit('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const target = await page.evaluate(() => {
      const links = [...document.querySelectorAll('#nav a')] as HTMLAnchorElement[];
      return links.find((a) => a.textContent === 'Coverage')?.getAttribute('href') ?? '';
    });
    await page.focus(`#nav a[href="${target}"]`);
    await page.keyboard.press('Enter');
    await waitReady(page);
    expect(new URL(page.url()).pathname).toBe('/coverage');
    expect(await page.getAttribute('#nav a[aria-current="page"]', 'href')).toBe(target);
    await page.focus('td.n a.num');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open]');
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
  });
});
