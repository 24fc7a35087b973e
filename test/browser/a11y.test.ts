import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
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
} from './harness.js';

// axe-core's own build, injected into the page as a script: the same engine browser extensions run.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

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

describe('accessibility (axe-core)', () => {
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
      '/experiments',
      '/coverage',
      '/definitions',
    ];
    const opened = await openDashboard(browser, served, '/');
    try {
      const found: string[] = [];
      for (const path of paths) {
        await opened.page.goto(`${served.url}${path}`);
        await waitReady(opened.page);
        // Evaluated through the browser's protocol: an injected <script> would be blocked by the dashboard's CSP.
        await opened.page.evaluate(AXE);
        const violations = await opened.page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
          return (await axe.run()).violations;
        });
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
          found.push(
            `${path}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 3)
              .join('; ')}`,
          );
        }
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
