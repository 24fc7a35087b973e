import {
  createReadStream,
  createWriteStream,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import { recordId } from '../../domain/ids.js';
import { usd } from '../../domain/money.js';
import type { Problem } from '../../domain/parse-result.js';
import { checkUsageRecord } from '../../domain/record-bounds.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { AgentRequestRow } from '../../store/agent-logs.js';
import type { Db } from '../../store/db.js';
import { describeIssue } from '../../sources/each-item.js';
import type { IngestSummary } from '../summary.js';
import { AGENT_TOOLS } from './locations.js';
import { resolveRepos } from './repos.js';
import { repositoryKey } from '../../domain/repository.js';
import { parseJsonText } from '../../domain/json-depth.js';

/**
 * A bundle: one machine's agent-log requests, for loading into the organisation's store. Gzipped JSONL:
 * a header line naming the format, the machine (a hash, never the raw machine id) and the person once,
 * then one line per request with tokens, times, model and session metadata (session id, working
 * directory, repository, branch, tool version) — never prompt or code text, which the store never has.
 *
 * A bundle is written by whoever holds an ingest token, so nothing in it is trusted to name a stored record
 * (issue 19): a request's `source` must be an agent-log source (the only namespace a bundle may write), and
 * the stored id is derived here from that source and the request's key in the bundle (its `id` there) —
 * `bundleRecordId` —, as is its replay key. A bundle can therefore only ever add to, or merge with, agent-log
 * requests from bundles; it can never replace a billed record or any record of another source. The same
 * session in two bundles, or one bundle loaded twice, still merges into the same stored requests and counts
 * once. (A request loaded into one store both from its log file and from a bundle is stored under two ids:
 * give a store one of the two.)
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
  source: z.enum(
    AGENT_TOOLS.map((t) => t.source),
    `a bundle writes agent-log sources only (${AGENT_TOOLS.map((t) => t.source).join(', ')})`,
  ),
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

/**
 * The header goes in a gzip member of its own, followed by a member of the requests as the store writes
 * them (streamed through zlib, never whole in memory): a gzip file may hold several members, and every
 * reader (gunzip, Node's zlib) reads them as one stream. The bundle appears under `out` only once it is whole.
 */
export async function writeBundle(
  db: Db,
  out: string,
  sources: readonly string[],
  who: { user: string | null; machineId: string },
): Promise<BundleHeader> {
  const part = `${out}.${process.pid}.requests.part`;
  const whole = `${out}.${process.pid}.part`;
  try {
    const requests = await db.agentLogs.exportRequests(sources, part);
    const head: BundleHeader = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      machineId: who.machineId,
      user: who.user,
      createdAt: new Date().toISOString(),
      requests,
    };
    writeFileSync(whole, gzipSync(`${JSON.stringify(head)}\n`));
    await pipeline(createReadStream(part), createGzip(), createWriteStream(whole, { flags: 'a' }));
    renameSync(whole, out);
    return head;
  } finally {
    rmSync(part, { force: true });
    rmSync(whole, { force: true });
  }
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
 * stored unless the header is valid; `maxBytes` caps the decompressed size (a gzip bomb is refused). The
 * requests are staged `stageBatch` at a time, and nothing is kept of a load that fails midway.
 */
export async function loadBundleBytes(
  db: Db,
  bytes: Buffer,
  file: string,
  maxBytes = Number.MAX_SAFE_INTEGER,
  stageBatch = STAGE_BATCH,
): Promise<IngestSummary & { header: BundleHeader }> {
  // The decompressed bytes are passed on, not kept: once staged, they can be freed before the merge.
  const staged = await stageBundle(db, inflate(bytes, file, maxBytes), file, stageBatch);
  const committed = await db.agentLogs.commit(resolveRepos);
  return {
    header: staged.header,
    source: 'bundle',
    files: 1,
    records: staged.records,
    written: committed.added,
    alreadyStored: committed.staged - committed.added,
    problems: staged.problems,
  };
}

/** A bundle's text as bytes: gunzipped when gzipped, refused beyond `maxBytes`. */
function inflate(bytes: Buffer, file: string, maxBytes: number): Buffer {
  try {
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    return gzipped ? gunzipSync(bytes, { maxOutputLength: Math.min(maxBytes, 2 ** 31 - 1) }) : bytes;
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
}

/**
 * The header checked, then the requests staged a batch at a time (as objects and as the stage's CSV, a
 * bundle's 420k requests took 3 GB at once); a bad line is a problem, a failure drops what was staged.
 */
async function stageBundle(
  db: Db,
  text: Buffer,
  file: string,
  stageBatch: number,
): Promise<{ header: BundleHeader; records: number; problems: Problem[] }> {
  const lines = bufferLines(text);
  const first = lines.next();
  const head = header.safeParse(first.done ? undefined : safeJson(first.value));
  if (!head.success) {
    throw new MileageError(
      'input',
      `${file}:1: not a Mileage agent-log bundle (${describeIssue(head.error).message})`,
      'Create bundles with `mileage export-logs --out FILE`.',
    );
  }
  const problems: Problem[] = [];
  let batch: AgentRequestRow[] = [];
  let records = 0;
  let held = 0;
  const stage = async () => {
    await db.agentLogs.stageBundleRows(batch, head.data.user, head.data.machineId);
    records += batch.length;
    batch = [];
  };
  try {
    let lineNumber = 1;
    for (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      held += 1;
      const parsed = request.safeParse(safeJson(line));
      if (!parsed.success) {
        problems.push({ file, line: lineNumber, ...describeIssue(parsed.error) });
      } else {
        // The same bounds as every other path (domain/record-bounds.ts): a bundle is a client's word.
        const bad = checkUsageRecord(bundleRecord(parsed.data));
        // Another machine's Mileage (maybe an older one) named the repository: key it as this store does.
        if (bad.length === 0)
          batch.push(
            inBundleNamespace({ ...parsed.data, repo: parsed.data.repo && repositoryKey(parsed.data.repo) }),
          );
        else
          for (const p of bad)
            problems.push({ file, line: lineNumber, field: bundleField(p.field), message: p.message });
      }
      if (batch.length >= stageBatch) await stage();
    }
    await stage();
    if (head.data.requests !== held)
      problems.push({
        file,
        line: 1,
        field: 'requests',
        message: `the header says ${head.data.requests} requests, the bundle holds ${held} (truncated or altered?)`,
      });
  } catch (cause) {
    await db.agentLogs.discardStage();
    throw cause;
  }
  return { header: head.data, records, problems };
}

/**
 * The stored id of a bundle's request: derived by the server from the (agent-log) source and the request's
 * key in the bundle, in a namespace of its own, so no bundle can choose the id of a stored record.
 */
export function bundleRecordId(source: string, key: string): string {
  return recordId(source, 'bundle', key);
}

function inBundleNamespace(row: z.infer<typeof request>): AgentRequestRow {
  return {
    ...row,
    id: bundleRecordId(row.source, row.id),
    collapse_key: row.collapse_key === null ? null : recordId(row.source, 'bundle-replay', row.collapse_key),
  };
}

/** Requests parsed before they are staged. */
const STAGE_BATCH = 50_000;

/** The lines of a buffer, each decoded alone: no string as large as the bundle (V8 caps one at 512 MB). */
function* bufferLines(buffer: Buffer): Generator<string> {
  let start = 0;
  while (start < buffer.length) {
    const end = buffer.indexOf(0x0a, start);
    const stop = end === -1 ? buffer.length : end;
    yield buffer.toString('utf8', start, stop);
    start = stop + 1;
  }
}

function safeJson(line: string): unknown {
  const parsed = parseJsonText(line);
  return parsed.ok ? parsed.value : undefined;
}

/** A bundle row seen as the usage record it becomes, for the one validator. */
function bundleRecord(row: z.infer<typeof request>): UsageRecord {
  const start = new Date(row.start_at);
  return {
    id: row.id,
    source: row.source,
    stream: null,
    granularity: 'request',
    start,
    end: new Date(row.end_at),
    tool: row.tool,
    provider: row.provider,
    model: row.model,
    tokens: {
      input: row.input_tokens,
      cacheRead: row.cache_read_tokens,
      cacheWrite: row.cache_write_tokens,
      output: row.output_tokens,
      reasoning: row.reasoning_tokens,
    },
    requests: 1,
    cost: {
      amount: row.reported_cost === null ? null : usd(row.reported_cost),
      basis: 'provider_reported',
      priceRef: row.price_ref,
    },
    hints: {
      sessionId: row.session_id ?? undefined,
      cwd: row.cwd ?? undefined,
      repo: row.repo ?? undefined,
      branch: row.branch ?? undefined,
      toolVersion: row.tool_version ?? undefined,
    },
  };
}

/** The bundle's own column name for a record field the validator names. */
function bundleField(field: string): string {
  const names: Record<string, string> = {
    start: 'start_at',
    end: 'end_at',
    'tokens.input': 'input_tokens',
    'tokens.cacheRead': 'cache_read_tokens',
    'tokens.cacheWrite': 'cache_write_tokens',
    'tokens.output': 'output_tokens',
    'tokens.reasoning': 'reasoning_tokens',
    'cost.amount': 'reported_cost',
    'hints.sessionId': 'session_id',
    'hints.toolVersion': 'tool_version',
    'hints.cwd': 'cwd',
    'hints.repo': 'repo',
    'hints.branch': 'branch',
  };
  return names[field] ?? field;
}
