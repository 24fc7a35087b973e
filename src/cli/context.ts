import { createHash } from 'node:crypto';
import { DEFAULT_PRIVACY, type OrgDirectory, type Privacy } from '../domain/directory.js';
import { MileageError } from '../domain/errors.js';
import { findOrgFile } from '../org/find.js';
import type { Db } from '../store/db.js';
import { isSharedStore, openStore, resolveDbPath, type OpenOptions } from '../store/open.js';
import { dimensionGapLines } from './dimension-gaps.js';
import { ownedByServer } from './remote.js';
import { readServerLock } from './server-lock.js';
import { processTerminal } from './terminal.js';

/** Options every command accepts. */
export interface GlobalOptions {
  db?: string;
  config?: string;
  json?: boolean;
  verbose?: boolean;
  since?: string;
  until?: string;
}

export interface CommandContext {
  db: Db;
  /** The org file read for this run, when there is one. */
  directory: OrgDirectory | null;
  org: string;
  privacy: Privacy;
  /** The org's time zone (days and weeks): the org file's, else the one last loaded into the store. */
  timeZone: string;
}

/** Reads and validates the org file; every problem is reported with its file, line and field. */
export async function readDirectory(opts: GlobalOptions): Promise<OrgDirectory | null> {
  const file = findOrgFile({ explicit: opts.config, cwd: process.cwd(), env: process.env });
  if (!file) return null;
  // Loaded only when there is a file to read: its schema and YAML parser are a tenth of the CLI's modules.
  const { formatIssue, loadOrgFile } = await import('../org/load.js');
  const result = await loadOrgFile(file);
  if (!result.ok) {
    throw new MileageError(
      'config',
      `${file} has ${result.error.length} problem${result.error.length === 1 ? '' : 's'}:\n${result.error.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
      'Fix the lines above, then run the command again (`mileage org check` validates the file alone).',
    );
  }
  return result.value;
}

/**
 * The org name and privacy settings in force: the org file's when one was read, else those of the
 * directory last loaded into the store (the demo's, say).
 */
export async function storedOrg(
  db: Db,
  directory: OrgDirectory | null,
): Promise<{ org: string; privacy: Privacy; timeZone: string }> {
  if (directory) return { org: directory.org, privacy: directory.privacy, timeZone: directory.timeZone };
  const individuals = (await db.getMeta('privacy_individuals')) as Privacy['individuals'] | null;
  const minGroup = await db.getMeta('privacy_min_group_size');
  return {
    org: (await db.getMeta('org')) ?? 'my-org',
    timeZone: (await db.getMeta('time_zone')) ?? 'UTC',
    privacy: individuals
      ? { individuals, minGroupSize: Number(minGroup ?? DEFAULT_PRIVACY.minGroupSize) }
      : DEFAULT_PRIVACY,
  };
}

/**
 * Opens the store and brings its directory up to date with mileage.yaml when there is one, so that edits to
 * the file re-attribute history on the next command.
 */
export async function openContext(opts: GlobalOptions, store: OpenOptions = {}): Promise<CommandContext> {
  const directory = await readDirectory(opts);
  const path = resolveDbPath(opts.db, process.env, process.cwd());
  // A running server holds DuckDB's lock on the file: say so, rather than DuckDB's locking error. A shared
  // store (ClickHouse) has no owner: any number of processes open it at once.
  const lock = isSharedStore(path) ? null : readServerLock(path);
  if (lock && lock.pid !== process.pid) throw ownedByServer(lock, path);
  const db = await openStore(path, store);
  try {
    // An upgrade said once, where the user sees it: what history it could not complete without a re-ingest.
    if (db.migrationsApplied.length > 0) {
      const term = processTerminal();
      term.log(`upgraded the store ${path} (schema migrations ${db.migrationsApplied.join(', ')})`);
      for (const line of dimensionGapLines(await db.dimensionGaps())) term.log(line);
    }
    if (directory) {
      // Reloading the directory re-derives the ledger: only do it when the file's content changed.
      const fingerprint = createHash('sha256')
        .update(JSON.stringify({ ...directory, file: null }))
        .digest('hex');
      if ((await db.getMeta('directory_fingerprint')) !== fingerprint) {
        await db.loadDirectory(directory);
        await db.refreshLedger();
        await db.setMeta('directory_fingerprint', fingerprint);
      }
    }
    return { db, directory, ...(await storedOrg(db, directory)) };
  } catch (error) {
    await db.close();
    throw error;
  }
}
