import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoFiles,
  launchBrowser,
  openDashboard,
  screenshot,
  serve,
  variantOf,
  waitReady,
  type DemoFiles,
  type Served,
  BROWSER_TEST_TIMEOUT,
} from './harness.js';

const TEAM = '<img src=x onerror="window.__pwned=1">Pay<script>window.__pwned=2</script>';
const PERSON = '<svg onload="window.__pwned=3"></svg><b>Someone</b>';
const KEY = '<iframe src="javascript:window.__pwned=4"></iframe>bot';
const BAR = '<img src=y onerror="window.__pwned=5">Every alert<script>window.__pwned=6</script>';

let files: DemoFiles;
let served: Served;
let browser: Browser;

beforeAll(async () => {
  files = await demoFiles();
  // The org file is read at query time: renaming a team, a person and a key relabels the stored history.
  const hostile = await variantOf(files, 'hostile', (yaml) =>
    yaml
      .replace('name: Payments,', `name: ${JSON.stringify(TEAM)},`)
      .replace(/^ {4}name: "[^"]*"/m, `    name: ${JSON.stringify(PERSON)}`) // the first person
      .replace('name: ci-review-bot,', `name: ${JSON.stringify(KEY)},`)
      .replace(/description: Every severity-1 alert .*$/m, `description: ${JSON.stringify(BAR)}`),
  );
  [served, browser] = await Promise.all([serve(hostile.store, hostile.config, files.dir), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await files?.remove();
});

describe('names from the org file render as text', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  it('shows HTML and script in team, person and key names and a quality bar literally, and runs none of it', async () => {
    const teams = await served.api<{ table: { rows: { label: string }[] } }>('/metrics/spend.total?by=team');
    expect(teams.table.rows.map((r) => r.label)).toContain(TEAM);
    const opened = await openDashboard(browser, served, '/');
    const { page } = opened;
    try {
      const seen = { team: false, person: false, key: false, bar: false };
      for (const path of [
        '/quadrant',
        '/quadrant?by=person',
        '/variance',
        '/keys',
        '/efficiency',
        '/quality',
        '/audits',
      ]) {
        await page.goto(`${served.url}${path}`);
        await waitReady(page);
        // Give any injected handler (onerror, onload) the chance to run before looking.
        await page.waitForTimeout(300);
        const text = (await page.textContent('main')) ?? '';
        seen.team ||= text.includes(TEAM);
        seen.person ||= text.includes(PERSON);
        seen.key ||= text.includes(KEY);
        seen.bar ||= text.includes(BAR);
        // Hover every chart so that tooltips (which name the groups) are drawn too.
        for (const chart of await page.$$('.chart')) await chart.hover();
        await page.waitForTimeout(100);
        const injected = await page.$$eval(
          'body img, body iframe, body b, main script, dialog script, main svg:not(.chart svg)',
          (els) => els.map((e) => e.outerHTML.slice(0, 80)),
        );
        expect(injected, path).toEqual([]);
        expect(
          await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
          path,
        ).toBeUndefined();
      }
      expect(seen).toEqual({ team: true, person: true, key: true, bar: true });
      await page.goto(`${served.url}/variance`);
      await waitReady(page);
      await screenshot(page, 'inert-names');
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
