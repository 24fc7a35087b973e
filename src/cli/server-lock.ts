import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * `<store>.server.json`: written by `mileage serve` while it owns a store file, with its URL and a token for
 * this machine's CLI (mode 0600: whoever can read it could read the store file itself). Other commands that
 * need the store find it here and go through the server instead of failing on DuckDB's file lock.
 */
export interface ServerLock {
  pid: number;
  url: string;
  token: string;
  store: string;
  startedAt: string;
}

export function lockPath(store: string): string {
  return `${store}.server.json`;
}

export function writeServerLock(lock: ServerLock): void {
  writeFileSync(lockPath(lock.store), JSON.stringify(lock, null, 2) + '\n', { mode: 0o600 });
}

export function removeServerLock(store: string, pid = process.pid): void {
  const current = readServerLock(store, { checkAlive: false });
  if (current && current.pid === pid) rmSync(lockPath(store), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of a live server on this store, or null (a lock left by a dead process is ignored). */
export function readServerLock(store: string, opts: { checkAlive?: boolean } = {}): ServerLock | null {
  const path = lockPath(store);
  if (store === ':memory:' || !existsSync(path)) return null;
  try {
    const lock = JSON.parse(readFileSync(path, 'utf8')) as ServerLock;
    if (typeof lock.url !== 'string' || typeof lock.token !== 'string' || typeof lock.pid !== 'number')
      return null;
    if (opts.checkAlive !== false && !alive(lock.pid)) return null;
    return lock;
  } catch {
    return null;
  }
}
