import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryDb } from '../../../test/support/apis.js';
import { emptyDirectory } from '../../domain/directory.js';
import { usd } from '../../domain/money.js';
import { copilotCliLogSource } from '../../sources/spend/copilot-cli/index.js';
import { codexLogSource } from '../../sources/spend/codex/index.js';
import { ingestAgentLogs } from './ingest.js';

/**
 * Copilot CLI's default log (session-state events.jsonl) through the real reader and store: the real
 * samples of test/fixtures/real (origin in ORIGIN.md), the same session read through its OpenTelemetry
 * export too, an org rate, and the seat it belongs to.
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-copilot-'));
const home = join(root, 'home', '.copilot');
const REAL = new URL('../../../test/fixtures/real/copilot-cli/session-state', import.meta.url);
cpSync(REAL, join(home, 'session-state'), { recursive: true });

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Row {
  model: string;
  granularity: string;
  requests: number;
  input: number;
  cache_read: number;
  cache_write: number;
  output: number;
  cost: string | null;
  cost_basis: string;
  counted: boolean;
  source: string;
}

const rows = (db: Awaited<ReturnType<typeof memoryDb>>) =>
  db.query<Row & Record<string, string | number | boolean | null>>(
    `SELECT model, granularity, requests::INTEGER AS requests, input_tokens::INTEGER AS input,
       cache_read_tokens::INTEGER AS cache_read, cache_write_tokens::INTEGER AS cache_write,
       output_tokens::INTEGER AS output, CAST(cost AS VARCHAR) AS cost, cost_basis, counted, session_id
     FROM usage ORDER BY model, granularity`,
  );

describe('Copilot CLI session-state logs, ingested', () => {
  it('stores each session and model once, with its request count, tokens by kind and billing-unit cost', async () => {
    const db = await memoryDb();
    const summary = await ingestAgentLogs(db, copilotCliLogSource, [home]);
    expect(summary.problems).toEqual([]);
    expect(summary.files).toBe(2);
    expect(await rows(db)).toEqual([
      {
        model: 'claude-sonnet-4.5',
        granularity: 'session',
        requests: 180,
        input: 411_574,
        cache_read: 6_398_393,
        cache_write: 0,
        output: 63_124,
        cost: '0.1200000000',
        cost_basis: 'provider_reported',
        counted: true,
        session_id: '483cab8f-8266-4485-8910-acdb65538afb',
      },
      {
        model: 'claude-sonnet-5',
        granularity: 'session',
        requests: 1,
        input: 2,
        cache_read: 0,
        cache_write: 24_208,
        output: 4,
        cost: '0.0605640000',
        cost_basis: 'provider_reported',
        counted: true,
        session_id: '00000000-0000-4000-8000-000000000001',
      },
    ]);
    await db.close();
  });

  it('prices premium requests at the org rate when mileage.yaml gives one', async () => {
    const db = await memoryDb();
    await ingestAgentLogs(
      db,
      copilotCliLogSource,
      [join(home, 'session-state', '483cab8f-8266-4485-8910-acdb65538afb')],
      {
        premiumRate: { usd: usd('0.05'), source: 'mileage.yaml' },
      },
    );
    const [row] = await db.query<{ cost: string; price_ref: string }>(
      'SELECT CAST(cost AS VARCHAR) AS cost, price_ref FROM usage',
    );
    expect(row).toEqual({ cost: '0.1500000000', price_ref: 'github-premium-requests:3@0.05 (mileage.yaml)' });
    await db.close();
  });

  it('counts a session read through both its session log and its OpenTelemetry export once, by its spans', async () => {
    const otel = join(home, 'otel');
    mkdirSync(otel, { recursive: true });
    const span = {
      type: 'span',
      traceId: 'trace-1',
      spanId: 'span-1',
      name: 'chat claude-sonnet-5',
      startTime: [1785353190, 0],
      endTime: [1785353191, 288_000_000],
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'github',
        'gen_ai.conversation.id': '00000000-0000-4000-8000-000000000001',
        'gen_ai.request.model': 'claude-sonnet-5',
        'gen_ai.usage.input_tokens': 24_210,
        'gen_ai.usage.cache_write.input_tokens': 24_208,
        'gen_ai.usage.output_tokens': 4,
        'github.copilot.nano_aiu': 6_056_400_000,
      },
    };
    writeFileSync(join(otel, 'copilot-otel.jsonl'), `${JSON.stringify(span)}\n`);
    const db = await memoryDb();
    await ingestAgentLogs(db, copilotCliLogSource, [home]);
    const counted = await db.query<{ model: string; granularity: string; tokens: number; cost: string }>(
      `SELECT model, granularity, (input_tokens + cache_write_tokens + output_tokens)::INTEGER AS tokens,
         CAST(cost AS VARCHAR) AS cost
       FROM usage WHERE counted AND model = 'claude-sonnet-5'`,
    );
    expect(counted).toEqual([
      { model: 'claude-sonnet-5', granularity: 'request', tokens: 24_214, cost: '0.0605640000' },
    ]);
    // the other session, without spans, still counts by its session log
    const [other] = await db.query<{ n: number }>(
      "SELECT count(*)::INTEGER AS n FROM usage WHERE counted AND model = 'claude-sonnet-4.5'",
    );
    expect(other?.n).toBe(1);
    await db.close();
    rmSync(otel, { recursive: true, force: true });
  });

  it("belongs to the person's Copilot seat: the seat is the stream's cost, usage only weighs inside it", async () => {
    const db = await memoryDb();
    await db.loadDirectory({
      ...emptyDirectory(),
      org: 'acme',
      people: [{ id: 'dev', name: 'Dev', team: null, aliases: [{ kind: 'email', value: 'dev@acme.com' }] }],
      seats: [
        {
          tool: 'copilot',
          plan: 'business',
          monthlyPrice: usd(19),
          assignees: ['dev'],
          from: null,
          until: null,
        },
      ],
    });
    await ingestAgentLogs(
      db,
      copilotCliLogSource,
      [join(home, 'session-state', '483cab8f-8266-4485-8910-acdb65538afb')],
      {
        actorFor: () => 'dev@acme.com',
      },
    );
    const [row] = await db.query<{ stream: string }>('SELECT stream_resolved AS stream FROM usage_identity');
    expect(row?.stream).toBe('seat:copilot:dev');
    await db.close();
  });
});

describe('folders with content no reader recognises', () => {
  it('reports a file that is not a Codex rollout, and reads a rollout under another name', async () => {
    const dir = join(root, 'codex', 'sessions', '2026', '07', '02');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.jsonl'), '{"hello":"world"}\n');
    writeFileSync(
      join(dir, 'renamed.jsonl'),
      [
        '{"timestamp":"2026-07-02T10:00:00.000Z","type":"session_meta","payload":{"id":"s-renamed"}}',
        '{"timestamp":"2026-07-02T10:00:09.000Z","type":"event_msg","payload":{"type":"token_count","info":{"last_token_usage":{"input_tokens":100,"output_tokens":5}}}}',
      ].join('\n') + '\n',
    );
    const db = await memoryDb();
    const summary = await ingestAgentLogs(db, codexLogSource, [join(root, 'codex', 'sessions')]);
    expect(summary.records).toBe(1);
    expect(summary.problems).toEqual([
      {
        file: join(dir, 'notes.jsonl'),
        line: null,
        field: null,
        message: 'not a Codex rollout: no session_meta, turn_context or token_count line',
      },
    ]);
    await db.close();
  });
});
