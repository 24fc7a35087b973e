import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { generateAndLoadDemo } from '../../src/cli/demo-load.js';
import { bookRepricer, priceBookFor } from '../../src/cli/pricing.js';
import type { Privacy } from '../../src/domain/directory.js';
import { loadOrgFile } from '../../src/org/load.js';
import type { OrgDirectory } from '../../src/domain/directory.js';
import { buildServer, type BuiltServer } from '../../src/server/run-server.js';
import type { Limits } from '../../src/server/deps.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import type { Terminal } from '../../src/cli/terminal.js';

const quiet: Terminal = {
  color: false,
  out: () => undefined,
  log: () => undefined,
  warn: () => undefined,
  progress: () => ({ tick: () => undefined, update: () => undefined, done: () => undefined }),
  activity: () => ({ update: () => undefined, done: () => undefined }),
};

export interface DemoStore {
  db: Db;
  directory: OrgDirectory;
  dir: string;
  /** The demo's mileage.yaml (its quality bars are read from it by the audit endpoints). */
  orgFile: string;
  close(): Promise<void>;
}

/** A small demo organisation (10 engineers, 3 months) loaded into a store file in a temp folder. */
export async function demoStore(): Promise<DemoStore> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-api-'));
  const db = await openStore(join(dir, 'demo.duckdb'));
  const loaded = await generateAndLoadDemo(
    db,
    { seed: 7, engineers: 10, months: 3, control: false, out: join(dir, 'demo') },
    quiet,
  );
  const orgFile = join(loaded.dir, 'mileage.yaml');
  const org = await loadOrgFile(orgFile);
  if (!org.ok) throw new Error('demo org file invalid');
  return {
    db,
    directory: org.value,
    dir,
    orgFile,
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One demo store for the tests of a file or describe block: made before its first test, closed after its
 * last. Returns the store's getter (the store exists only once the tests run).
 */
export function sharedDemoStore(timeoutMs = 120_000): () => DemoStore {
  let demo: DemoStore | undefined;
  beforeAll(async () => {
    demo = await demoStore();
  }, timeoutMs);
  afterAll(async () => demo?.close());
  return () => {
    if (!demo) throw new Error('the demo store is made before the first test');
    return demo;
  };
}

/** The server app over a store, with the given privacy; requests go through `app.request()`, no port. */
export function apiOver(
  db: Db,
  directory: OrgDirectory | null,
  privacy: Privacy,
  limits: Partial<Limits> = {},
  cacheEntries?: number,
  orgFile: string | null = null,
): BuiltServer {
  const book = priceBookFor(directory);
  return buildServer({
    db,
    org: directory?.org ?? 'test',
    privacy,
    timeZone: directory?.timeZone ?? 'UTC',
    book,
    reprice: bookRepricer(book),
    limits,
    ...(cacheEntries !== undefined ? { cacheEntries } : {}),
    webRoot: null,
    log: () => undefined,
    orgFile,
  });
}
