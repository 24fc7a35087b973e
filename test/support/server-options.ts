import { bookRepricer, priceBookFor } from '../../src/cli/pricing.js';
import { DEFAULT_PRIVACY } from '../../src/domain/directory.js';
import type { RunServerOptions } from '../../src/server/run-server.js';
import type { Db } from '../../src/store/db.js';

/** What buildServer needs over a store with no org file: list prices, default privacy, UTC, quiet logs. */
export function serverOptions(db: Db): Omit<RunServerOptions, 'host' | 'port'> {
  const book = priceBookFor(null);
  return {
    db,
    org: 'test',
    privacy: DEFAULT_PRIVACY,
    timeZone: 'UTC',
    book,
    reprice: bookRepricer(book),
    log: () => undefined,
  };
}
