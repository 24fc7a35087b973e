import { Decimal } from 'decimal.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../domain/ids.js';
import { memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { startPostgres, type TestPostgres } from '../../../test/support/postgres.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import type { Db } from '../../store/db.js';
import { readCursor } from '../sync/cursor.js';
import { runSync } from '../sync/runner.js';
import { createLitellmConnector } from './connector.js';

/** The table as LiteLLM's Prisma schema creates it (reference §10.1), prompt columns included. */
const DDL = `CREATE TABLE "LiteLLM_SpendLogs" (
  request_id text PRIMARY KEY, call_type text NOT NULL, api_key text NOT NULL DEFAULT '',
  spend double precision NOT NULL DEFAULT 0, total_tokens integer DEFAULT 0, prompt_tokens integer DEFAULT 0,
  completion_tokens integer DEFAULT 0, "startTime" timestamp(3) NOT NULL, "endTime" timestamp(3) NOT NULL,
  "completionStartTime" timestamp(3), model text DEFAULT '', model_id text, model_group text,
  custom_llm_provider text, api_base text, "user" text, metadata jsonb DEFAULT '{}', cache_hit text,
  cache_key text, request_tags jsonb DEFAULT '[]', team_id text, end_user text, messages jsonb,
  response jsonb, proxy_server_request jsonb, session_id text, status text);
CREATE INDEX ON "LiteLLM_SpendLogs" ("startTime");
CREATE INDEX ON "LiteLLM_SpendLogs" ("startTime", request_id);`;

interface Row {
  request_id: string;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read: number;
  startTime: string;
  model: string;
  provider: string;
  user: string;
  tags: string[];
  api_key: string;
}

const PROVIDERS = ['anthropic', 'openai', 'vertex_ai'] as const;
const MODELS = { anthropic: 'claude-sonnet-4-6', openai: 'gpt-4.1-mini', vertex_ai: 'gemini-2.5-pro' };
const USERS = ['ana@acme.com', 'bo@acme.com', 'cy@acme.com'];
const SECRET_PROMPT = 'TOP SECRET PROMPT TEXT';

/** Rows generated from a seed: every expected figure below is computed from these. */
function rows(n: number, startMs: number, prefix: string): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const provider = PROVIDERS[i % 3] ?? 'anthropic';
    const prompt = 1000 + ((i * 7919) % 5000);
    const cacheRead = provider === 'anthropic' ? Math.floor(prompt / 3) : 0;
    return {
      request_id: `${prefix}-${String(i).padStart(4, '0')}`,
      spend: Number(((i * 37) % 101) / 10000 + 0.000123),
      prompt_tokens: prompt,
      completion_tokens: 100 + i,
      cache_read: cacheRead,
      // Two rows share each instant: the keyset must not lose either at a page boundary.
      startTime: new Date(startMs + Math.floor(i / 2) * 3_600_000).toISOString(),
      model: provider === 'anthropic' ? `anthropic/${MODELS[provider]}` : MODELS[provider],
      provider,
      user: USERS[i % USERS.length] ?? 'ana@acme.com',
      tags: i % 4 === 0 ? ['jobID:7', 'workflow:triage'] : i % 4 === 1 ? ['invoices'] : [],
      api_key: `hashedkey${i % 2}`,
    };
  });
}

async function insert(client: pg.Client, data: Row[]): Promise<void> {
  for (const r of data) {
    await client.query(
      `INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, api_key, spend, total_tokens, prompt_tokens,
        completion_tokens, "startTime", "endTime", model, model_group, custom_llm_provider, "user", metadata,
        request_tags, team_id, messages, status)
       VALUES ($1, 'acompletion', $2, $3, $4, $5, $6, $7::timestamptz AT TIME ZONE 'UTC',
        $7::timestamptz AT TIME ZONE 'UTC' + interval '2 seconds', $8, 'group', $9, $10, $11, $12, 'team-a', $13, 'success')`,
      [
        r.request_id,
        r.api_key,
        r.spend,
        r.prompt_tokens + r.completion_tokens,
        r.prompt_tokens,
        r.completion_tokens,
        r.startTime,
        r.model,
        r.provider,
        r.user,
        JSON.stringify({
          user_api_key_alias: 'ci',
          usage_object: { prompt_tokens: r.prompt_tokens, cache_read_input_tokens: r.cache_read },
        }),
        JSON.stringify(r.tags),
        JSON.stringify([{ role: 'user', content: SECRET_PROMPT }]),
      ],
    );
  }
}

function expectedWorkflow(tags: string[]): string | null {
  return tags.find((t) => t.startsWith('workflow:'))?.slice('workflow:'.length) ?? tags[0] ?? null;
}

/** What the store must hold for these rows, worked out from the rows themselves. */
function expectedRows(data: Row[]) {
  return data
    .map((r) => ({
      model: r.model.replace(/^anthropic\//, ''),
      provider: r.provider,
      input_tokens: r.prompt_tokens - r.cache_read,
      cache_read_tokens: r.cache_read,
      output_tokens: r.completion_tokens,
      cost: new Decimal(String(r.spend)).toFixed(10),
      workflow: expectedWorkflow(r.tags),
      actor_hash: identityHash(r.user),
      start_at: new Date(r.startTime).toISOString(),
    }))
    .sort((a, b) => a.start_at.localeCompare(b.start_at) || a.cost.localeCompare(b.cost));
}

async function stored(db: Db) {
  const got = await db.query(`SELECT model, provider, input_tokens, cache_read_tokens, output_tokens,
    CAST(cost AS VARCHAR) AS cost, workflow, actor_hash, strftime(start_at, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS start_at,
    stream, cost_basis FROM usage ORDER BY start_at, cost`);
  return got;
}

let server: TestPostgres;
let client: pg.Client;
const first = rows(23, Date.parse('2026-07-01T00:00:00Z'), 'req-a');
const later = rows(6, Date.parse('2026-07-20T00:00:00Z'), 'req-b');
const NOW = Date.parse('2026-07-25T00:00:00Z');

beforeAll(async () => {
  server = await startPostgres();
  client = new pg.Client(server.url);
  await client.connect();
  await client.query(DDL);
  await insert(client, first);
}, 60_000);
afterAll(async () => {
  await client?.end();
  server?.stop();
});

function postgresConnector(pageSize = 5) {
  const r = createLitellmConnector(
    sourceConfig('litellm', {
      connection_env: 'LITELLM_DATABASE_URL',
      since: '2026-06-01',
      page_size: pageSize,
      streams: { anthropic: 'anthropic:acme:default' },
    }),
    { env: { LITELLM_DATABASE_URL: server.url }, now: () => NOW },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('LiteLLM connector, spend logs from its Postgres database', () => {
  it('reads every row once in keyset pages: tokens, spend to the cent, workflows from tags, users, streams', async () => {
    const db = await memoryDb();
    const s = await runSync(db, postgresConnector(5));
    expect(s).toMatchObject({ records: first.length, pages: Math.ceil((first.length + 1) / 5) });
    const got = await stored(db);
    expect(got.map(({ stream: _, cost_basis: __, ...r }) => r)).toEqual(expectedRows(first));
    const total = first.reduce((a, r) => a.plus(String(r.spend)), new Decimal(0));
    const [sum] = await db.query('SELECT CAST(sum(cost) AS VARCHAR) AS total FROM usage');
    expect(sum?.total).toBe(total.toFixed(10));
    // The provider mapped in mileage.yaml joins that provider's bill; the others get a stream of their own.
    expect(new Set(got.map((r) => `${String(r.provider)}→${String(r.stream)}`))).toEqual(
      new Set([
        'anthropic→anthropic:acme:default',
        'openai→litellm:litellm:openai',
        'vertex_ai→litellm:litellm:vertex_ai',
      ]),
    );
    expect(got.every((r) => r.cost_basis === 'provider_reported')).toBe(true);
    // The prompt column is never read.
    const everything = JSON.stringify(await db.query('SELECT * FROM usage'));
    expect(everything).not.toContain(SECRET_PROMPT);
    await db.close();
  });

  it('is incremental by startTime: the next sync reads from an overlap before the watermark', async () => {
    const db = await memoryDb();
    await runSync(db, postgresConnector(50));
    const cursor = await readCursor(db, 'litellm');
    const newestFirst = first
      .map((r) => r.startTime)
      .sort()
      .at(-1);
    expect(cursor.watermark).toBe(newestFirst);
    await insert(client, later);
    try {
      const second = await runSync(db, postgresConnector(50));
      // Only the rows of the last hour before the watermark are read again, and the new ones.
      const watermark = Date.parse(newestFirst ?? '');
      const reread = first.filter((r) => Date.parse(r.startTime) >= watermark - 3_600_000).length;
      expect(second).toMatchObject({ records: later.length + reread, alreadyStored: reread });
      expect(await stored(db)).toHaveLength(first.length + later.length);
    } finally {
      await client.query(`DELETE FROM "LiteLLM_SpendLogs" WHERE request_id LIKE 'req-b-%'`);
    }
    await db.close();
  });

  it('a sync killed after a page resumes at the next row and ends with the same records', async () => {
    const full = await memoryDb();
    await runSync(full, postgresConnector(4));
    const expected = await stored(full);
    await full.close();
    const db = await memoryDb();
    const controller = new AbortController();
    await expect(
      runSync(db, postgresConnector(4), {
        signal: controller.signal,
        onProgress: (p) => p.pages === 2 && controller.abort(new Error('killed')),
      }),
    ).rejects.toThrow('killed');
    expect(await stored(db)).toHaveLength(8);
    const cursor = await readCursor(db, 'litellm');
    expect(JSON.parse(cursor.run?.next ?? '{}')).toMatchObject({ requestId: 'req-a-0007' });
    const resumed = await runSync(db, postgresConnector(4));
    expect(resumed.resumed).toBe(true);
    expect(await stored(db)).toEqual(expected);
    expect(JSON.stringify(await db.query('SELECT * FROM meta'))).not.toContain(server.url);
    await db.close();
  });

  it('an unreachable database is an upstream error naming the host, never the password', async () => {
    const r = createLitellmConnector(sourceConfig('litellm', { connection_env: 'DB' }), {
      env: { DB: 'postgres://mileage:s3cretpass@127.0.0.1:1/litellm' },
      now: () => NOW,
    });
    if (!r.ok) throw new Error('config');
    const db = await memoryDb();
    const error = await runSync(db, r.value).catch((e: unknown) => e);
    expect(String(error)).toMatch(/postgres:\/\/127\.0\.0\.1:1\/litellm/);
    expect(String(error)).not.toContain('s3cretpass');
    await db.close();
  });

  it('checks its settings with the line and field of mileage.yaml', () => {
    const r = createLitellmConnector(sourceConfig('litellm', { mode: 'api' }), { env: {}, now: () => NOW });
    expect(r.ok ? [] : r.error.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'litellm.token_env: missing: the environment variable holding the admin key',
      'litellm.base_url: missing: the proxy URL, such as https://litellm.example.com',
    ]);
  });
});

describe('LiteLLM connector, spend API mode', () => {
  let api: ReplayServer;
  const KEY = 'sk-litellm-master-0123456789';
  beforeAll(async () => {
    // The API answers with the same rows the database holds, as JSON (timestamps as text).
    const result = await client.query<Record<string, unknown>>(
      `SELECT request_id, call_type, api_key, spend, total_tokens, prompt_tokens, completion_tokens,
        to_char("startTime", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "startTime",
        to_char("endTime", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "endTime", model, model_group,
        custom_llm_provider, "user", metadata, request_tags, team_id, status FROM "LiteLLM_SpendLogs"`,
    );
    api = await ReplayServer.start();
    api.route('GET', '/spend/logs', (req) => {
      const start = req.query.get('start_date') ?? '';
      const end = req.query.get('end_date') ?? '';
      // Like the proxy, a day window is inclusive of its end date: rows of the next day come too.
      return {
        json: result.rows.filter((r) => {
          const day = String(r.startTime).slice(0, 10);
          return day >= start && day <= end;
        }),
      };
    });
    api.script('GET', '/spend/logs', { status: 503, json: { error: 'busy' } });
  });
  afterAll(() => api.close());

  it('reads day by day with the admin key and stores exactly what the database mode stores', async () => {
    const r = createLitellmConnector(
      sourceConfig('litellm', {
        mode: 'api',
        token_env: 'LITELLM_KEY',
        base_url: api.url,
        since: '2026-06-28',
        streams: { anthropic: 'anthropic:acme:default' },
      }),
      { env: { LITELLM_KEY: KEY }, now: () => NOW, clock: fakeClock() },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const db = await memoryDb();
    const s = await runSync(db, r.value);
    const days = (NOW - Date.parse('2026-06-28T00:00:00Z')) / 86_400_000 + 1;
    expect(s).toMatchObject({ pages: days, records: first.length, retries: 1 });
    const seen = api.seen('GET', '/spend/logs');
    expect(seen.every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(seen.at(-1)?.query.get('summarize')).toBe('false');
    const fromDb = await memoryDb();
    await runSync(fromDb, postgresConnector(100));
    expect(await db.query('SELECT * EXCLUDE (day) FROM usage ORDER BY id')).toEqual(
      await fromDb.query('SELECT * EXCLUDE (day) FROM usage ORDER BY id'),
    );
    await db.close();
    await fromDb.close();
  });
});
