import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mileage } from '../e2e/cli.js';
import {
  demoFiles,
  launchBrowser,
  openDashboard,
  screenshot,
  serve,
  variantOf,
  type DemoFiles,
  type Served,
} from './harness.js';
import { seriousViolations } from './axe.js';
import { expectDownloadIsJson } from './compare.js';

interface Listed {
  alerts: { id: string; rule: string; subject: string; state: string; acknowledgedBy: string | null }[];
}

/**
 * The Alerts page over a real `mileage serve` on the demo: a budget for the payments team far below its
 * spend (and one for platform), the rules run as of the demo's last day (`mileage alerts check --as-of`), and the page lists the
 * alert with its state, rule, subject and routing. Acknowledging it from the page persists: a fresh page
 * and the API both say acknowledged.
 */
let files: DemoFiles;
let served: Served;
let browser: Browser;

beforeAll(async () => {
  files = await demoFiles();
  const variant = await variantOf(
    files,
    'alerts',
    (yaml) =>
      `${yaml}\nbudgets:\n${['payments', 'platform']
        .map((t) => `  - { scope: team, subject: ${t}, amount: 1, period: month, forecast: false }\n`)
        .join('')}`,
  );
  const check = await mileage(
    ['alerts', 'check', '--as-of', '2026-11-15', '--db', variant.store, '--config', variant.config],
    { cwd: files.dir },
  );
  if (check.code !== 0) throw new Error(`alerts check failed: ${check.stderr}`);
  [served, browser] = await Promise.all([serve(variant.store, variant.config, files.dir), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await files?.remove();
});

describe('Alerts page', () => {
  it('lists the budget alert, acknowledges it from the page, and the state persists', async () => {
    const before = await served.api<Listed>('/alerts');
    const budget = before.alerts.find((a) => a.rule.startsWith('budget') && a.subject.includes('payments'));
    expect(budget, JSON.stringify(before.alerts.map((a) => [a.rule, a.subject]))).toBeDefined();
    const id = budget?.id ?? '';
    expect(budget?.state).toBe('open');

    const tab = await openDashboard(browser, served, '/alerts');
    // The table with alerts in it (the a11y test sees this page empty) has no serious accessibility fault.
    expect(await seriousViolations(tab.page, '/alerts')).toEqual([]);
    const row = tab.page.locator(`tr[data-alert="${id}"]`);
    expect(await row.getAttribute('data-state')).toBe('open');
    expect(await row.locator('[data-col="rule"]').innerText()).toBe(budget?.rule);
    expect(await row.locator('[data-col="subject"]').innerText()).toContain('payments');
    expect((await row.locator('[data-col="route"]').innerText()).trim()).not.toBe('');
    await row.locator('button[data-action="ack"]').click();
    await tab.page.waitForSelector(`tr[data-alert="${id}"][data-state="acknowledged"]`, { timeout: 30_000 });
    expect(await tab.page.locator('.alert-status').innerText()).toContain('Acknowledged');
    expect(await row.locator('button[data-action="ack"]').count()).toBe(0);
    // The table's download is the API's `table=alerts` of the same request, cell for cell.
    const buttons = await tab.page.$$eval('button[data-csv]', (b) =>
      b.map((x) => ({
        source: x.getAttribute('data-source') ?? '',
        query: x.getAttribute('data-query') ?? '',
      })),
    );
    expect(buttons).toEqual([{ source: '/alerts', query: 'table=alerts' }]);
    await expectDownloadIsJson(tab.page, 0, served.api.bind(served), buttons[0]!, '/alerts download');
    await screenshot(tab.page, 'alerts');
    expect(tab.errors).toEqual([]);
    await tab.close();

    // A fresh page, and the API: the acknowledgement was stored, not only drawn.
    const again = await openDashboard(browser, served, '/alerts?state=acknowledged');
    expect(await again.page.locator(`tr[data-alert="${id}"]`).getAttribute('data-state')).toBe(
      'acknowledged',
    );
    await again.close();
    const after = await served.api<Listed>('/alerts');
    expect(after.alerts.find((a) => a.id === id)).toMatchObject({ state: 'acknowledged' });
    expect(after.alerts.find((a) => a.id === id)?.acknowledgedBy).toBeTruthy();
  });

  it('mutes an alert from the page: its row says muted, and so does the API', async () => {
    const listed = await served.api<Listed>('/alerts?state=open');
    const open = listed.alerts.find((a) => a.rule.startsWith('budget') && a.subject.includes('platform'));
    if (!open) throw new Error(`no open platform budget alert: ${JSON.stringify(listed.alerts)}`);
    const tab = await openDashboard(browser, served, '/alerts?state=open');
    await tab.page.locator(`tr[data-alert="${open.id}"] button[data-action="mute"]`).click();
    await tab.page.waitForSelector('.alert-status:has-text("Muted for 7 days")', { timeout: 30_000 });
    await tab.close();
    const after = await served.api<Listed>('/alerts');
    expect(after.alerts.find((a) => a.id === open.id)?.state).toBe('muted');
  });
});
