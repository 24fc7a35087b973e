import { z } from 'zod';
import { parseDay } from '../domain/time.js';
import { err, ok, type Result } from '../domain/result.js';
import type { OrgFileIssue, SourceConfig } from '../org/index.js';
import type { Clock } from './http/clock.js';
import type { HttpClientOptions } from './http/client.js';

/**
 * Settings every API connector accepts in its `sources:` entry of mileage.yaml. Each connector adds its own
 * fields (repos, projects, jql…) and validates the whole entry, strictly, with the file's line numbers.
 */
const envName = z
  .string({ error: 'expected the name of an environment variable, such as GITHUB_TOKEN' })
  .regex(/^[A-Z][A-Z0-9_]*$/, 'expected the name of an environment variable, such as GITHUB_TOKEN');

const day = z.string().refine(
  (v) => {
    try {
      parseDay(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected a day as YYYY-MM-DD' },
);

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`);

export const baseFields = {
  /** The connector, when the entry's name is not one (two GitHub hosts: `github-ghe: { type: github }`). */
  type: z.string().optional(),
  /** The environment variable holding the token or API key; the secret itself never goes in the file. */
  token_env: envName,
  /** API root, for GitHub Enterprise, self-hosted GitLab, a proxy, or a local test server. */
  base_url: z.url({ error: 'expected a URL such as https://api.example.com' }).optional(),
  /** Where the first sync starts (default: 180 days ago). Later syncs start from the stored cursor. */
  since: day.optional(),
  /** How far before the last sync's newest item the next sync starts; boundary items are re-read. */
  overlap_minutes: wholeNumber(0, 7 * 24 * 60).optional(),
  /** Items per request. */
  page_size: wholeNumber(1, 100).optional(),
  /** Retries per request after the first attempt (5xx, network errors, rate limits). */
  max_retries: wholeNumber(0, 20).optional(),
  /** The longest one request may wait in total for retries and rate limits before the sync stops. */
  max_wait_seconds: wholeNumber(1, 24 * 3600).optional(),
};

/** What every connector factory receives besides its settings: injectable for tests. */
export interface ConnectorDeps {
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** The org's name in mileage.yaml: the account in spend streams (`anthropic:<org>:…`) unless a source names its own. */
  org?: string | undefined;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
}

export const DEFAULT_FIRST_SYNC_DAYS = 180;

/** Validates a source's settings with its connector's schema; issues carry the file's line and field. */
export function validateSource<S extends z.ZodType>(
  schema: S,
  source: SourceConfig,
): Result<z.infer<S>, OrgFileIssue[]> {
  const parsed = schema.safeParse(source.config);
  if (parsed.success) return ok(parsed.data);
  const issues: OrgFileIssue[] = [];
  for (const i of parsed.error.issues) {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) issues.push(source.issueAt([...path, key], `unknown field "${key}"`));
    } else {
      issues.push(source.issueAt(path, i.message));
    }
  }
  return err(issues);
}

type BaseSettings = {
  since?: string | undefined;
  overlap_minutes?: number | undefined;
  max_retries?: number | undefined;
  max_wait_seconds?: number | undefined;
};

/** The first sync's start: the `since` day at 00:00 UTC, else DEFAULT_FIRST_SYNC_DAYS ago. */
export function initialSince(settings: BaseSettings, now: number): Date {
  return settings.since
    ? new Date(`${settings.since}T00:00:00Z`)
    : new Date(now - DEFAULT_FIRST_SYNC_DAYS * 24 * 3600_000);
}

export function overlapMs(settings: BaseSettings, defaultMinutes: number): number {
  return (settings.overlap_minutes ?? defaultMinutes) * 60_000;
}

/** The HTTP client's options shared by every connector: retry caps, clock and fetch for tests. */
export function httpOptions(settings: BaseSettings, deps: ConnectorDeps): HttpClientOptions {
  return {
    ...(settings.max_retries !== undefined ? { maxRetries: settings.max_retries } : {}),
    ...(settings.max_wait_seconds !== undefined ? { maxWaitMs: settings.max_wait_seconds * 1000 } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
}

/** `https://host/api/` → `https://host/api` so paths can be appended. */
export function apiRoot(url: string): string {
  return url.replace(/\/+$/, '');
}
