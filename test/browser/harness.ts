import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CLI, mileage } from '../e2e/cli.js';

/**
 * Browser tests drive Debian's chromium through playwright-core against a real `mileage serve` (the built
 * CLI) on a demo store, on 127.0.0.1 with a port the OS picks.
 */
export const CHROMIUM = process.env.MILEAGE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

/**
 * A browser test's limit: with two test files in flight on two cores, a chromium page waits on the other
 * file's work as well as its own server, so the suite's 60 s default is too tight for a page's first load.
 */
export const BROWSER_TEST_TIMEOUT = 180_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface DemoFiles {
  dir: string;
  store: string;
  config: string;
  remove(): Promise<void>;
}

/** A small demo organisation (10 engineers, 3 months) generated and loaded by the CLI into a temp folder. */
export async function demoFiles(): Promise<DemoFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-web-'));
  const store = join(dir, 'demo.duckdb');
  const out = join(dir, 'demo');
  const r = await mileage(
    ['demo', '--seed', '7', '--engineers', '10', '--months', '3', '--db', store, '--out', out],
    { cwd: dir },
  );
  if (r.code !== 0) throw new Error(`mileage demo failed: ${r.stderr}`);
  return {
    dir,
    store,
    config: join(out, 'mileage.yaml'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A copy of the store and of the org file (edited by `editConfig`) for a second server. */
export async function variantOf(
  files: DemoFiles,
  name: string,
  editConfig: (yaml: string) => string,
): Promise<{ store: string; config: string }> {
  const dir = join(files.dir, name);
  await mkdir(dir, { recursive: true });
  const store = join(dir, 'demo.duckdb');
  await copyFile(files.store, store);
  const config = join(files.dir, 'demo', `${name}.yaml`);
  await writeFile(config, editConfig(await readFile(files.config, 'utf8')));
  return { store, config };
}

export interface Served {
  url: string;
  token: string;
  /** The URL of a dashboard path with the session token in the fragment, as `mileage serve` prints it. */
  dashboard(path?: string): string;
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/** `mileage serve` on a store; without an org file (`config` null) it runs on what the store holds. */
export async function serve(store: string, config: string | null, cwd: string): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--db', store, ...(config ? ['--config', config] : [])],
    { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, TZ: 'UTC', NO_COLOR: '1', COLUMNS: '120' } },
  );
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/m.exec(stdout);
      if (m?.[1] && m[2]) resolve({ url: m[1], token: m[2] });
    });
    child.on('close', () => reject(new Error(`mileage serve exited early: ${stderr}`)));
  });
  return {
    url,
    token,
    dashboard: (path = '/') => `${url}${path}#token=${token}`,
    async api<T>(path: string): Promise<T> {
      const res = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen since the page opened. */
  errors: string[];
  close(): Promise<void>;
}

/** Opens a dashboard path in a fresh browser context and waits until the page says it has rendered. */
export async function openDashboard(browser: Browser, served: Served, path = '/'): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(served.dashboard(path));
  await waitReady(page);
  return { page, errors, close: () => context.close() };
}

export async function waitReady(page: Page): Promise<void> {
  await page.waitForSelector('main[data-ready="true"]', { timeout: 60_000 });
}

/** A number as the dashboard prints it ($1,234.56, 12.5%, 1.20x, 1,234) read back, or null for "—". */
export function readNumber(text: string): number | null {
  const t = text.trim();
  if (t === '—' || t === 'unpriced') return null;
  const n = Number(t.replace(/[$,%x]|pts/g, '').trim());
  if (!Number.isFinite(n)) throw new Error(`not a number as displayed: "${text}"`);
  return t.endsWith('%') || t.endsWith('pts') ? n / 100 : n;
}

/** How far a displayed value may be from the exact one: half a unit of its last printed digit. */
export function displayTolerance(text: string): number {
  const t = text
    .trim()
    .replace(/%|x|pts|\$|,/g, '')
    .trim();
  const decimals = t.includes('.') ? (t.split('.')[1]?.replace(/[^0-9].*$/, '').length ?? 0) : 0;
  const scale = text.includes('%') || text.includes('pts') ? 100 : 1;
  // Three significant digits (sub-dollar money) are rounded on the significand.
  return (0.5 * 10 ** -decimals) / scale + 1e-12;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
