import { MileageError } from '../domain/errors.js';
import { resolveDbPath } from '../store/open.js';
import type { GlobalOptions } from './context.js';
import { readServerLock, type ServerLock } from './server-lock.js';

/** The server that owns this command's store, when one is running (see server-lock.ts). */
export function runningServer(opts: GlobalOptions): ServerLock | null {
  return readServerLock(resolveDbPath(opts.db, process.env, process.cwd()));
}

/**
 * GET an API path on the server that owns the store, as this machine's CLI (the server's session token from
 * its lock file). API errors become the CLI's errors, with the server's message.
 */
export async function apiGet(
  lock: ServerLock,
  path: string,
  params: Record<string, string | undefined>,
): Promise<unknown> {
  const url = new URL(`/api/v1/${path}`, lock.url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${lock.token}` } });
  } catch (cause) {
    throw new MileageError(
      'upstream',
      `cannot reach the server that owns the store (${lock.url})`,
      'Is `mileage serve` still running?',
      { cause },
    );
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    const message = body?.error?.message ?? `HTTP ${res.status}`;
    throw new MileageError(
      res.status === 400 ? 'usage' : res.status === 404 ? 'not_found' : 'upstream',
      message,
    );
  }
  return body;
}

/** The error of a command that needs the store to itself while a server owns it. */
export function ownedByServer(lock: ServerLock, store: string): MileageError {
  return new MileageError(
    'conflict',
    `the store ${store} is in use by \`mileage serve\` at ${lock.url} (pid ${lock.pid})`,
    'Send data to the server instead (POST /api/v1/ingest/…, OTLP on /v1/*), or stop it (Ctrl-C) and run the command again. `mileage query` and `mileage report weekly` go through the server by themselves.',
  );
}
