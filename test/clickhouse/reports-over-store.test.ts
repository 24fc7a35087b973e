import { Decimal } from 'decimal.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAndLoadDemo } from '../../src/cli/demo-load.js';
import type { Terminal } from '../../src/cli/terminal.js';
import { loadOrgFile } from '../../src/org/load.js';
import { parseAnthropicCostReport } from '../../src/sources/spend/anthropic-admin/parse.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { mileage } from '../e2e/cli.js';
import { answerDifferences } from '../support/answers-compare.js';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';
import { apiOver } from '../support/demo-store.js';

/**
 * Issue 23, end to end: a demo organisation's embedded store copied to a real ClickHouse server with
 * `mileage store migrate --to`, after which `mileage query`, `mileage report weekly --json` and the server's API
 * over `--store clickhouse://…` answer exactly what they answer over the embedded store (money as exact decimals,
 * floats within 1e-9 of their size), instead of "not yet supported on ClickHouse".
 */
const quiet: Terminal = {
  color: false,
  out: () => undefined,
  log: () => undefined,
  warn: () => undefined,
  progress: () => ({ tick: () => undefined, update: () => undefined, done: () => undefined }),
  activity: () => ({ update: () => undefined, done: () => undefined }),
};

/** A spread of the catalog: spend, delivery joins, the epic lead time and the workload bands. */
const QUERIES: string[][] = [
  ['spend.total'],
  ['spend.total', '--by', 'person'],
  ['effectiveness.cost_per_merged_pr', '--by', 'team'],
  ['effectiveness.epic_lead_time', '--by', 'team'],
  ['efficiency.expected_band'],
];

describe.skipIf(!clickhouseAvailable())('reports and metrics over --store clickhouse://', () => {
  let server: TestClickHouse;
  let cwd: string;
  const ch = () => `clickhouse://default@127.0.0.1:${server.httpPort}/demo`;
  /** The same command over the embedded store and over ClickHouse: both outputs, parsed. */
  const both = async (args: string[]): Promise<[unknown, unknown]> => {
    const [duck, click] = await Promise.all([
      mileage([...args, '--db', 'demo.duckdb'], { cwd }),
      mileage([...args, '--store', ch()], { cwd }),
    ]);
    expect(duck.code, duck.stderr).toBe(0);
    expect(click.code, click.stderr).toBe(0);
    return [JSON.parse(duck.stdout), JSON.parse(click.stdout)];
  };

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'mileage-ch-reports-'));
    const [started] = await Promise.all([
      startClickHouse(),
      (async () => {
        const db = await openStore(join(cwd, 'demo.duckdb'));
        try {
          await generateAndLoadDemo(
            db,
            { seed: 11, engineers: 5, months: 1, control: false, out: join(cwd, 'demo') },
            quiet,
          );
        } finally {
          await db.close();
        }
      })(),
    ]);
    server = started;
    const copy = await mileage(['store', 'migrate', '--db', 'demo.duckdb', '--to', ch(), '--json'], { cwd });
    expect(copy.code, copy.stderr).toBe(0);
    const summary = JSON.parse(copy.stdout) as {
      check: { ok: boolean };
      tables: { name: string; rows: number }[];
    };
    expect(summary.check.ok).toBe(true);
    expect(summary.tables.find((t) => t.name === 'dir_people')?.rows).toBe(5);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('mileage query answers the same over ClickHouse as over the embedded store', async () => {
    for (const args of QUERIES) {
      const [duck, click] = await both(['query', ...args, '--json']);
      expect((duck as { rows: unknown[] }).rows.length, args.join(' ')).toBeGreaterThan(0);
      expect(answerDifferences(duck, click), args.join(' ')).toEqual([]);
    }
  }, 120_000);

  it('mileage report weekly --json is the same report over ClickHouse', async () => {
    const [duck, click] = await both(['report', 'weekly', '--json']);
    const report = duck as { findings: unknown[]; headline: { spend: string } };
    expect(report.findings.length).toBeGreaterThan(3);
    expect(Number(report.headline.spend)).toBeGreaterThan(0);
    expect(answerDifferences(duck, click)).toEqual([]);
  }, 120_000);

  it("the server's API over ClickHouse answers the weekly report and a metric as over the embedded store", async () => {
    const org = await loadOrgFile(join(cwd, 'demo', 'mileage.yaml'));
    if (!org.ok) throw new Error('the demo org file is invalid');
    const directory = org.value;
    const get = async (db: Db, path: string): Promise<unknown> => {
      const built = apiOver(db, directory, directory.privacy);
      const res = await built.app.request(`/api/v1${path}`, {
        headers: { authorization: `Bearer ${built.sessionToken}` },
      });
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      return res.json();
    };
    const duck = await openStore(join(cwd, 'demo.duckdb'));
    const click = await openStore(ch());
    try {
      for (const path of ['/reports/weekly', '/metrics/spend.total?by=team']) {
        const [a, b] = [await get(duck, path), await get(click, path)];
        expect(answerDifferences(a, b), path).toEqual([]);
      }
    } finally {
      await duck.close();
      await click.close();
    }
  }, 120_000);

  // Last: it adds records to the ClickHouse store the tests above compare.
  it('a refresh after new records in the demo’s last month adds their entries and leaves the rest as it was', async () => {
    const db = await openStore(ch());
    // The fixture's bills of another org (a stream of their own), moved to the day before the demo's last: new
    // records inside the months the ledger already spans, so only their month is rebuilt.
    const [last] = await db.query('SELECT toString(max(day)) AS day FROM usage');
    const parsed = parseAnthropicCostReport(
      JSON.parse(readFileSync('test/fixtures/anthropic-admin/cost-report.json', 'utf8')) as unknown,
      { file: 'cost-report.json', org: 'fixture-org' },
    ).records;
    const first = Math.min(...parsed.map((r) => r.start.getTime()));
    const shift = Date.parse(`${String(last?.day)}T00:00:00Z`) - 86_400_000 - first;
    const records = parsed.map((r) => ({
      ...r,
      start: new Date(r.start.getTime() + shift),
      end: new Date(r.end.getTime() + shift),
    }));
    const ids = new Set(records.map((r) => r.id));
    const truth = records.reduce(
      (a, r) => (r.cost.amount === null ? a : a.plus(r.cost.amount.toString())),
      new Decimal(0),
    );
    expect(records.length).toBeGreaterThan(0);
    expect(truth.isPositive()).toBe(true);
    const entries = 'SELECT record_id, entry, toString(cost) AS cost, person_id FROM ledger ORDER BY 1, 2';
    try {
      const mark = await db.getMeta('clickhouse_ledger_watermark');
      const before = await db.query(entries);
      await db.appendUsage(records);
      await db.refreshLedger();
      expect(Number(await db.getMeta('clickhouse_ledger_watermark'))).toBeGreaterThan(Number(mark));
      const after = await db.query(entries);
      const added = after.filter((r) => ids.has(String(r.record_id)));
      // The new records' entries carry their own cost (billed: authoritative in their own streams)…
      expect(added.reduce((a, r) => a.plus(String(r.cost)), new Decimal(0)).toString()).toBe(
        truth.toString(),
      );
      // …and every entry of the demo is as the full build made it.
      expect(
        answerDifferences(
          before,
          after.filter((r) => !ids.has(String(r.record_id))),
        ),
      ).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
