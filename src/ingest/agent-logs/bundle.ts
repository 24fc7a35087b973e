import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import type { Problem } from '../../domain/parse-result.js';
import type { AgentRequestRow } from '../../store/agent-logs.js';
import type { Db } from '../../store/db.js';
import { describeIssue } from '../../sources/each-item.js';
import type { IngestSummary } from '../summary.js';
import { resolveRepos } from './repos.js';

/**
 * A bundle: one machine's agent-log requests, for loading into the organisation's store. Gzipped JSONL:
 * a header line naming the format, the machine (a hash, never the raw machine id) and the person once,
 * then one line per request with tokens, times, model and session metadata (session id, working
 * directory, repository, branch, tool version) — never prompt or code text, which the store never has.
 *
 * Requests keep their ids, so the same session in two bundles, or one bundle loaded twice, merges into the
 * same stored requests and counts once.
 */
export const BUNDLE_FORMAT = 'mileage-agent-logs';
export const BUNDLE_VERSION = 1;

const header = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  machineId: z.string().min(1),
  user: z.string().min(1).nullable(),
  createdAt: z.string(),
  requests: z.number().int().nonnegative(),
});
export type BundleHeader = z.infer<typeof header>;

const count = z.number().int().nonnegative();
const text = z.string().nullable();
const request = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/, 'expected a 32-character record id'),
  source: z.string().min(1),
  tool: text,
  provider: text,
  model: text,
  collapse_key: text,
  replica: z.boolean(),
  start_at: z.iso.datetime({ offset: true }),
  end_at: z.iso.datetime({ offset: true }),
  input_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  output_tokens: count,
  reasoning_tokens: count,
  reported_cost: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'expected a decimal amount')
    .nullable(),
  price_ref: text,
  dedup_key: text,
  session_id: text,
  cwd: text,
  repo: text,
  branch: text,
  tool_version: text,
});

/** A stable, non-reversible id for this machine. */
export function machineId(): string {
  let raw = '';
  for (const path of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      raw = readFileSync(path, 'utf8').trim();
      if (raw) break;
    } catch {
      // not on this system
    }
  }
  if (!raw) raw = `${process.platform}:${process.env.HOSTNAME ?? ''}:${process.env.COMPUTERNAME ?? ''}`;
  return `m:${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
}

export async function writeBundle(
  db: Db,
  out: string,
  sources: readonly string[],
  who: { user: string | null; machineId: string },
): Promise<BundleHeader> {
  const rows = await db.agentLogs.requestRows(sources);
  const head: BundleHeader = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    machineId: who.machineId,
    user: who.user,
    createdAt: new Date().toISOString(),
    requests: rows.length,
  };
  const lines = [JSON.stringify(head), ...rows.map((r) => JSON.stringify(r))];
  writeFileSync(out, gzipSync(lines.join('\n') + '\n'));
  return head;
}

export async function loadBundle(db: Db, file: string): Promise<IngestSummary & { header: BundleHeader }> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new MileageError(
      'input',
      `${file}: cannot read the bundle (${(cause as Error).message})`,
      undefined,
      {
        cause,
      },
    );
  }
  return loadBundleBytes(db, bytes, file);
}

/**
 * A bundle's bytes (gzipped or not; an upload to the server, say), named `file` in problems. Nothing is
 * stored unless the header is valid; `maxBytes` caps the decompressed size (a gzip bomb is refused).
 */
export async function loadBundleBytes(
  db: Db,
  bytes: Buffer,
  file: string,
  maxBytes = Number.MAX_SAFE_INTEGER,
): Promise<IngestSummary & { header: BundleHeader }> {
  let textContent: string;
  try {
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const raw = gzipped ? gunzipSync(bytes, { maxOutputLength: Math.min(maxBytes, 2 ** 31 - 1) }) : bytes;
    textContent = raw.toString('utf8');
  } catch (cause) {
    throw new MileageError(
      'input',
      `${file}: cannot read the bundle (${(cause as Error).message})`,
      undefined,
      {
        cause,
      },
    );
  }
  const lines = textContent.split('\n');
  const head = header.safeParse(safeJson(lines[0] ?? ''));
  if (!head.success) {
    throw new MileageError(
      'input',
      `${file}:1: not a Mileage agent-log bundle (${describeIssue(head.error).message})`,
      'Create bundles with `mileage export-logs --out FILE`.',
    );
  }
  const problems: Problem[] = [];
  const rows: AgentRequestRow[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = request.safeParse(safeJson(line));
    if (parsed.success) rows.push(parsed.data);
    else problems.push({ file, line: i + 2, ...describeIssue(parsed.error) });
  });
  await db.agentLogs.stageBundleRows(rows, head.data.user, head.data.machineId);
  const committed = await db.agentLogs.commit(resolveRepos);
  return {
    header: head.data,
    source: 'bundle',
    files: 1,
    records: rows.length,
    written: committed.added,
    alreadyStored: committed.staged - committed.added,
    problems,
  };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
