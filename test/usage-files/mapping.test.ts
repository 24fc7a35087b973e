import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../src/domain/ids.js';
import { loadUsageFile } from '../../src/ingest/usage-file.js';
import { parseMapOption, usageFileMapping } from '../../src/ingest/usage-mapping.js';
import { sourceConfigs } from '../../src/org/load.js';
import { openStore } from '../../src/store/open.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mileage-mapping-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A gateway's own export: its column names, not Mileage's. */
const GOOD = [
  {
    ts: '2026-07-01T10:00:00Z',
    llm: 'claude-sonnet-4-6',
    vendor: 'anthropic',
    prompt: 1200,
    completion: 80,
    usd: '0.0123456789',
    who: 'ana@acme.com',
    flow: 'triage',
  },
  {
    ts: '2026-07-01T11:30:00Z',
    llm: 'gpt-4.1-mini',
    vendor: 'openai',
    prompt: 300,
    completion: 20,
    usd: '0.0004',
    who: 'bo@acme.com',
    flow: 'support, tier 1',
  },
  {
    ts: '2026-07-02T09:00:00+02:00',
    llm: 'claude-haiku-4-5',
    vendor: 'anthropic',
    prompt: 50,
    completion: 5,
    usd: '0.00001',
    who: null,
    flow: null,
  },
];
const MAP =
  'ts=timestamp,llm=model,vendor=provider,prompt=input_tokens,completion=output_tokens,usd=cost_usd,who=user,flow=workflow';

async function storedRows(db: Awaited<ReturnType<typeof openStore>>) {
  return db.query(`SELECT strftime(start_at, '%Y-%m-%dT%H:%M:%SZ') AS at, model, provider, input_tokens, output_tokens,
    CAST(cost AS VARCHAR) AS cost, cost_basis, actor_hash, workflow FROM usage ORDER BY start_at`);
}

const expected = GOOD.map((g) => ({
  at: new Date(g.ts).toISOString().replace('.000Z', 'Z'),
  model: g.llm,
  provider: g.vendor,
  input_tokens: g.prompt,
  output_tokens: g.completion,
  cost: new Decimal(g.usd).toFixed(10),
  cost_basis: 'provider_reported',
  actor_hash: g.who === null ? null : identityHash(g.who),
  workflow: g.flow,
})).sort((a, b) => a.at.localeCompare(b.at));

describe('generic usage files with a column mapping', () => {
  it('JSONL: maps columns; a malformed line, a bad value and a missing field are rejected with line and file column', async () => {
    const dir = await tempDir();
    const path = join(dir, 'gateway.jsonl');
    const lines = [
      JSON.stringify(GOOD[0]),
      '{"ts": "2026-07-01T10:05:00Z", "llm": "claude-sonnet-4-6", oops',
      '',
      JSON.stringify(GOOD[1]),
      JSON.stringify({ ...GOOD[0], ts: '2026-07-01T12:00:00Z', prompt: -3 }),
      JSON.stringify({ ...GOOD[0], ts: '2026-07-01T13:00:00Z', llm: null }),
      JSON.stringify(GOOD[2]),
    ];
    await writeFile(path, lines.join('\n') + '\n');
    const db = await openStore(':memory:');
    const summary = await loadUsageFile(db, {
      path,
      format: 'jsonl',
      source: 'gateway',
      columns: parseMapOption(MAP),
    });
    expect(summary.problems).toEqual([
      { file: path, line: 2, field: 'json', message: `not a JSON object: ${lines[1]?.slice(0, 60)}` },
      { file: path, line: 5, field: 'prompt (input_tokens)', message: 'not a whole number >= 0: -3' },
      { file: path, line: 6, field: 'llm (model)', message: 'missing' },
    ]);
    expect(summary.written).toBe(GOOD.length);
    expect(await storedRows(db)).toEqual(expected);
    await db.close();
  });

  it('Parquet: the same rows through the same mapping store the same records', async () => {
    const dir = await tempDir();
    const csvPath = join(dir, 'gateway.csv');
    const header = Object.keys(GOOD[0] ?? {});
    await writeFile(
      csvPath,
      [
        header.join(','),
        ...GOOD.map((g) =>
          header.map((h) => JSON.stringify((g as Record<string, unknown>)[h] ?? '')).join(','),
        ),
      ].join('\n') + '\n',
    );
    const parquet = join(dir, 'gateway.parquet');
    const maker = await openStore(':memory:');
    await maker.query(
      `COPY (SELECT * FROM read_csv('${csvPath}', header = true)) TO '${parquet}' (FORMAT parquet)`,
    );
    await maker.close();
    const db = await openStore(':memory:');
    const summary = await loadUsageFile(db, {
      path: parquet,
      format: 'parquet',
      source: 'gateway',
      columns: parseMapOption(MAP),
    });
    expect(summary.problems).toEqual([]);
    expect(await storedRows(db)).toEqual(expected);
    await db.close();
  });

  it('a mapped column the file lacks is an error naming the file, the column and what the file has', async () => {
    const dir = await tempDir();
    const path = join(dir, 'x.jsonl');
    await writeFile(path, JSON.stringify(GOOD[0]) + '\n');
    const db = await openStore(':memory:');
    await expect(
      loadUsageFile(db, {
        path,
        format: 'jsonl',
        source: 'g',
        columns: parseMapOption('when=timestamp,llm=model'),
      }),
    ).rejects.toThrow(
      `${path}: no column "when" (mapped to timestamp); the file has: completion, flow, llm, prompt, ts, usd, vendor, who`,
    );
    await db.close();
  });

  it('--map and the mileage.yaml mapping are checked, naming the entry or the file line', () => {
    expect(() => parseMapOption('ts=when')).toThrow(/"when" \(in "ts=when"\) is not a Mileage field/);
    expect(() => parseMapOption('ts')).toThrow(/"ts" is not <file column>=<field>/);
    expect(() => parseMapOption('a=model,b=model')).toThrow(/two file columns are mapped to model/);
    const text = `org: acme
sources:
  gateway-export:
    type: usage-file
    source: gateway
    columns:
      ts: timestamp
      usd: dollars
`;
    const sources = sourceConfigs(text, 'mileage.yaml');
    if (!sources.ok) throw new Error(JSON.stringify(sources.error));
    const bad = usageFileMapping(sources.value[0]!);
    expect(bad.ok ? [] : bad.error.map((i) => `${i.line}: ${i.field}: ${i.message}`)).toEqual([
      expect.stringMatching(/^8: sources\.gateway-export\.columns\.usd: "dollars" is not a Mileage field/),
    ]);
    const good = sourceConfigs(text.replace('dollars', 'cost_usd'), 'mileage.yaml');
    if (!good.ok) throw new Error('org');
    expect(usageFileMapping(good.value[0]!)).toEqual({
      ok: true,
      value: { columns: { timestamp: 'ts', cost_usd: 'usd' }, source: 'gateway', format: undefined },
    });
  });
});
