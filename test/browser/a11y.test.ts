import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoFiles,
  launchBrowser,
  openDashboard,
  serve,
  waitReady,
  type DemoFiles,
  type Served,
  BROWSER_TEST_TIMEOUT,
} from './harness.js';
import { seriousViolations, type AxeViolation } from './axe.js';

let files: DemoFiles;
let served: Served;
let browser: Browser;

beforeAll(async () => {
  files = await demoFiles();
  [served, browser] = await Promise.all([serve(files.store, files.config, files.dir), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await files?.remove();
});

describe('accessibility (axe-core)', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  it('finds no serious or critical violation on any page', async () => {
    const prs = await served.api<{ rows: { id: string }[] }>('/prs');
    const paths = [
      '/',
      '/weekly',
      '/calendar',
      '/models',
      '/keys',
      '/efficiency',
      '/quadrant',
      '/variance',
      '/quality',
      '/prs',
      `/prs/${prs.rows[0]?.id ?? ''}`,
      '/workflows',
      '/audits',
      '/audits/audit-demo-alert-triage',
      '/alerts',
      '/coverage',
      '/definitions',
    ];
    const opened = await openDashboard(browser, served, '/');
    try {
      const found: string[] = [];
      for (const path of paths) {
        await opened.page.goto(`${served.url}${path}`);
        await waitReady(opened.page);
        found.push(...(await seriousViolations(opened.page, path)));
      }
      expect(found).toEqual([]);
      // The engine did run: a page with a deliberate fault is caught (an image without a text alternative).
      const check = await opened.page.evaluate(async () => {
        const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.body.append(img);
        const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
        return (await axe.run()).violations.map((v) => v.id);
      });
      expect(check).toContain('image-alt');
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
