import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseQualityBars } from '../../src/audit/bar-file.js';
import { installDemoAudit } from '../../src/cli/demo-audit.js';
import { bookRepricer } from '../../src/cli/pricing.js';
import { removeServerLock, writeServerLock } from '../../src/cli/server-lock.js';
import { DEMO_TRIAGE_BAR_LINES } from '../../src/demo/alert-triage.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { runServer } from '../../src/server/run-server.js';
import { openStore } from '../../src/store/open.js';
import { mileage } from '../e2e/cli.js';

// `mileage audit run` scores against the same bar whichever way it was written: a bar an admin PUT through the
// API (a stricter v4 over mileage.yaml's v3) is the one a replay uses, read through the server while it owns
// the store and from the store once it has stopped.
const YAML = `org: bars-cli\n${DEMO_TRIAGE_BAR_LINES.join('\n')}\n`;
let dir: string;
let store: string;
let runDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mileage-api-bars-'));
  store = join(dir, 'm.duckdb');
  writeFileSync(join(dir, 'mileage.yaml'), YAML);
  const db = await openStore(store);
  try {
    ({ runDir } = await installDemoAudit(
      db,
      dir,
      YAML,
      'claude-opus-4-1',
      new Date('2026-11-16T00:00:00Z'),
      new PriceBook(),
    ));
  } finally {
    await db.close();
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Replayed {
  bar: { workflow: string; version: number };
  candidates: { verdict: string; requirements: { name: string; required: number }[] }[];
}

async function replay(): Promise<Replayed> {
  const res = await mileage(
    ['audit', 'run', '--replay', runDir, '--config', 'mileage.yaml', '--db', store, '--json'],
    {
      cwd: dir,
    },
  );
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Replayed;
}

it('replays against the bar written through the API, with or without the server', async () => {
  expect((await replay()).bar.version).toBe(3);

  const db = await openStore(store);
  const book = new PriceBook();
  const server = await runServer({
    db,
    org: 'bars-cli',
    privacy: { individuals: 'hidden', minGroupSize: 3 },
    timeZone: 'UTC',
    book,
    reprice: bookRepricer(book),
    host: '127.0.0.1',
    port: 0,
    webRoot: null,
    log: () => undefined,
    warm: false,
    spoolDir: null,
    orgFile: join(dir, 'mileage.yaml'),
  });
  writeServerLock({
    pid: process.pid,
    url: server.url,
    token: server.sessionToken,
    store,
    startedAt: new Date().toISOString(),
  });
  let stopped = false;
  try {
    const bar = YAML.replace('pass_rate: 0.95', 'pass_rate: 0.999');
    const { version: _v, ...body } = parseQualityBars(bar, 'mileage.yaml')[0]!;
    const res = await fetch(`${server.url}/api/v1/quality-bars/alert-triage`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.sessionToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { version: number }).version).toBe(4);

    // Through the server that owns the store.
    const viaServer = await replay();
    expect(viaServer.bar.version).toBe(4);
    expect(viaServer.candidates[0]?.requirements.map((r) => r.required)).toEqual([1, 0.999]);
    expect(viaServer.candidates[0]?.verdict).toBe('keep');

    await server.stop();
    await db.close();
    removeServerLock(store);
    stopped = true;
    // From the store itself: the same version, the same bar, the same verdict.
    const fromStore = await replay();
    expect(fromStore.bar).toEqual(viaServer.bar);
    expect(fromStore.candidates).toEqual(viaServer.candidates);
  } finally {
    if (!stopped) {
      await server.stop();
      await db.close();
      removeServerLock(store);
    }
  }
}, 120_000);
