import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { mileage } from './cli.js';

/** The data-feed commands end to end: sync litellm (real Postgres), ingest usage/focus, reconcile, export. */
let cwd: string;
let postgres: TestPostgres;
const SPEND = ['0.0105', '0.0200001', '0.3']; // one LiteLLM request each, July 2026
const FOCUS_COSTS = ['1.25', '0.7500000001'];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mileage-feeds-'));
  postgres = await startPostgres();
  const client = new pg.Client(postgres.url);
  await client.connect();
  await client.query(`CREATE TABLE "LiteLLM_SpendLogs" (request_id text PRIMARY KEY, call_type text, api_key text,
    spend double precision, total_tokens int, prompt_tokens int, completion_tokens int,
    "startTime" timestamp(3), "endTime" timestamp(3), model text, model_group text, custom_llm_provider text,
    "user" text, metadata jsonb, request_tags jsonb, team_id text)`);
  for (const [i, spend] of SPEND.entries()) {
    await client.query(
      `INSERT INTO "LiteLLM_SpendLogs" VALUES ($1, 'acompletion', 'hk', $2, 150, 100, 50, $3, $3, 'gpt-4.1-mini', 'g',
        'openai', 'ana@acme.com', '{}', '["workflow:triage"]', 't')`,
      [`r${i}`, Number(spend), `2026-07-0${i + 1} 10:00:00`],
    );
  }
  await client.end();
  await writeFile(
    join(cwd, 'mileage.yaml'),
    `org: acme
people: [{ id: ana, name: Ana, emails: [ana@acme.com] }]
workflows: [{ id: triage, name: Triage }]
sources:
  litellm: { connection_env: LITELLM_DB, since: 2026-06-01 }
  gateway-export:
    type: usage-file
    source: gateway
    columns: { ts: timestamp, llm: model, usd: cost_usd, who: user }
`,
  );
  await writeFile(
    join(cwd, 'gateway.jsonl'),
    [
      JSON.stringify({
        ts: '2026-07-04T10:00:00Z',
        llm: 'claude-sonnet-4-6',
        usd: '0.5',
        who: 'ana@acme.com',
      }),
      'not json',
    ].join('\n') + '\n',
  );
  const header =
    'BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,ChargePeriodStart,ChargePeriodEnd,ServiceCategory,ServiceName,ProviderName,PublisherName,ResourceName,ConsumedQuantity,ConsumedUnit,Tags';
  await writeFile(
    join(cwd, 'focus.csv'),
    [
      header,
      ...FOCUS_COSTS.map(
        (c, i) =>
          `${c},${c},USD,ea-1,2026-07-0${i + 1}T00:00:00Z,2026-07-0${i + 2}T00:00:00Z,AI and Machine Learning,Azure OpenAI Service,Microsoft,OpenAI,gpt-4.1,1000,Tokens,"{""team"":""support""}"`,
      ),
      `9,9,USD,ea-1,2026-07-01T00:00:00Z,2026-07-02T00:00:00Z,Compute,Virtual Machines,Microsoft,Microsoft,vm,1,Hours,`,
    ].join('\n') + '\n',
  );
}, 60_000);
afterAll(async () => {
  postgres?.stop();
  await rm(cwd, { recursive: true, force: true });
});

const env = () => ({ LITELLM_DB: postgres.url });
const sum = (xs: string[]) => xs.reduce((a, x) => a.plus(x), new Decimal(0));

describe('data feeds through the CLI', () => {
  it('syncs LiteLLM from Postgres, imports a mapped JSONL and a FOCUS file, reconciles and exports', async () => {
    const sync = await mileage(['sync', 'litellm', '--db', 'f.duckdb', '--json'], { cwd, env: env() });
    expect(sync.stderr).not.toContain(postgres.url);
    expect(sync.code, sync.stderr).toBe(0);
    const synced = JSON.parse(sync.stdout) as { sources: { summary: { records: number } }[] };
    expect(synced.sources[0]?.summary.records).toBe(SPEND.length);

    const usage = await mileage(
      ['ingest', 'usage', 'gateway.jsonl', '--mapping', 'gateway-export', '--db', 'f.duckdb', '--verbose'],
      {
        cwd,
        env: env(),
      },
    );
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stderr + usage.stdout).toMatch(/gateway\.jsonl:2 \(json\): not a JSON object/);

    const focus = await mileage(['ingest', 'focus', 'focus.csv', '--db', 'f.duckdb'], { cwd, env: env() });
    expect(focus.code, focus.stderr).toBe(0);
    expect(focus.stderr).toContain('1 rows of other service categories skipped');

    const rec = await mileage(['reconcile', '--db', 'f.duckdb', '--json'], { cwd, env: env() });
    expect(rec.code, rec.stderr).toBe(0);
    const months = (
      JSON.parse(rec.stdout) as { months: { stream: string; counted: string; billed: string }[] }
    ).months;
    const byStream = new Map(months.map((m) => [m.stream, m]));
    expect(new Decimal(byStream.get('microsoft:ea-1')?.billed ?? '0').equals(sum(FOCUS_COSTS))).toBe(true);
    expect(new Decimal(byStream.get('litellm:litellm:openai')?.counted ?? '0').equals(sum(SPEND))).toBe(true);
    const text = await mileage(['reconcile', '--db', 'f.duckdb'], { cwd, env: env() });
    expect(text.stdout).toMatch(/^microsoft:ea-1 +2026-07 +\$2\.00 +\$2\.00 /m);
    expect(text.stdout).toMatch(/^total +\$/m);
    const detail = await mileage(['reconcile', '--db', 'f.duckdb', '--stream', 'microsoft:ea-1'], {
      cwd,
      env: env(),
    });
    expect(detail.stdout).toMatch(/microsoft:ea-1 {2}2026-07\n {2}counted {6}\$2\.00 {2}\(billed \$2\.00\)/);
    expect(detail.stdout).not.toContain('litellm:litellm:openai');
    const unknown = await mileage(['reconcile', '--db', 'f.duckdb', '--stream', 'nope'], { cwd, env: env() });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no billing stream named "nope"');

    const out = await mileage(['export', 'focus', '--out', 'ledger.parquet', '--db', 'f.duckdb', '--json'], {
      cwd,
      env: env(),
    });
    expect(out.code, out.stderr).toBe(0);
    const exported = JSON.parse(out.stdout) as { total: string; rows: number };
    expect(new Decimal(exported.total).equals(sum([...SPEND, ...FOCUS_COSTS, '0.5']))).toBe(true);
    expect(existsSync(join(cwd, 'ledger.parquet'))).toBe(true);
  });
});
