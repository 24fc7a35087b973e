import type { QualityBar } from '../audit/bar.js';
import type { Repricer } from '../pricing/repricer.js';
import type { Privacy } from '../domain/directory.js';
import type { Db } from '../store/db.js';
import type { TokenBook } from './auth.js';
import type { Maintenance } from './maintenance.js';
import type { ResponseCache } from './response-cache.js';
import type { ServerStats } from './stats.js';

/** Request limits of the ingestion endpoints. */
export interface Limits {
  /** Largest agent-log bundle body accepted (bytes as sent, gzipped or not). */
  bundleBytes: number;
  /**
   * Largest bundle once decompressed (a gzip bomb is refused). A bundle compresses about 8:1, so a body at
   * `bundleBytes` holds up to 512 MiB of text: 850k requests.
   */
  bundleTextBytes: number;
  /** Largest JSON body of usage or outcome events. */
  eventsBytes: number;
  /** Ingestion requests each token may make per minute (a bucket of this size refilled over a minute). */
  ingestPerMinute: number;
}

export const DEFAULT_LIMITS: Limits = {
  bundleBytes: 64 * 1024 * 1024,
  // A heavy user's year of Claude Code (the bench corpus: 421k requests) is a 32 MB bundle of 265 MB text.
  bundleTextBytes: 1024 * 1024 * 1024,
  eventsBytes: 8 * 1024 * 1024,
  ingestPerMinute: 60,
};

/** What the API handlers share: the store the server owns and the org settings in force. */
export interface ServerDeps {
  db: Db;
  org: string;
  privacy: Privacy;
  timeZone: string;
  reprice: Repricer;
  tokens: TokenBook;
  stats: ServerStats;
  /** Serialises writes with the OTLP writer and prices and refreshes the ledger after ingestion. */
  maintenance: Maintenance;
  limits: Limits;
  /** The built dashboard (web/dist), or null to serve none. */
  webRoot: string | null;
  /** Told of unexpected errors (the client only sees "internal error"). */
  log: (message: string) => void;
  /** Read answers kept until the data changes (see response-cache.ts). */
  cache: ResponseCache;
  /**
   * mileage.yaml's quality bars, read when asked (an edit is seen without a restart); the API's own are in the
   * store. Empty when the server runs without an org file.
   */
  fileBars: () => Promise<QualityBar[]>;
  /** mileage.yaml, whose experiments: are read when asked (an edit is seen without a restart); null: none. */
  orgFile?: string | null;
  now?: () => Date;
  /** Host names the server answers to (host-check.ts); default: loopback names and IP addresses only. */
  allowedHosts?: ReadonlySet<string>;
  /** When true, /v1/* (OTLP) needs an ingest or admin token like the ingestion API (serve --otlp-token-required). */
  otlpTokenRequired?: boolean;
}
