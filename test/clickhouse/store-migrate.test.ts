import { Decimal } from 'decimal.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '../../src/domain/outcome.js';
import type { UsageRecord } from '../../src/domain/usage.js';
import { parseGithubPullNodes } from '../../src/sources/delivery/github/parse.js';
import {
  parseAnthropicCostReport,
  parseAnthropicUsageReport,
} from '../../src/sources/spend/anthropic-admin/parse.js';
import { factTotals } from '../../src/store/copy/fact-totals.js';
import { openStore } from '../../src/store/open.js';
import { mileage } from '../e2e/cli.js';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';

/**
 * Issue 23: `mileage store migrate --to clickhouse://…` copies an embedded store to ClickHouse and `--from`
 * copies it back, verifying totals per stream and month. The facts are parsed from the Anthropic Admin API's and
 * GitHub's documented response shapes (test/fixtures); the expected totals are summed here from the records
 * themselves with decimal.js, not read from either store.
 */
const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(join('test/fixtures', path), 'utf8')) as unknown;

function usage(): UsageRecord[] {
  const ctx = { file: 'page.json', org: 'acme' };
  return [
    parseAnthropicCostReport(fixture('anthropic-admin/cost-report.json'), ctx),
    parseAnthropicCostReport(fixture('anthropic-admin/cost-report-by-workspace.json'), ctx),
    parseAnthropicUsageReport(fixture('anthropic-admin/usage-report-1d-grouped.json'), ctx),
    parseAnthropicUsageReport(fixture('anthropic-admin/usage-report-1h-ungrouped.json'), ctx),
  ].flatMap((r) => r.records);
}

function outcomes(): OutcomeRecord[] {
  const parsed = parseGithubPullNodes(fixture('github/pull-nodes.json'), {
    file: 'pull-nodes.json',
    repo: 'acme/api',
  });
  return parsed.records;
}

describe.skipIf(!clickhouseAvailable())('mileage store migrate (embedded ⇄ ClickHouse)', () => {
  let server: TestClickHouse;
  let cwd: string;
  const records = usage();
  const prs = outcomes();
  const env = () => ({});
  const ch = () => `clickhouse://default@127.0.0.1:${server.httpPort}/migrated`;

  beforeAll(async () => {
    server = await startClickHouse();
    cwd = mkdtempSync(join(tmpdir(), 'mileage-migrate-'));
    const db = await openStore(join(cwd, 'source.duckdb'));
    await db.appendUsage(records);
    await db.appendOutcomes(prs);
    await db.setMeta('org', 'acme');
    await db.refreshLedger();
    await db.close();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('copies to ClickHouse with the records’ own totals, and says so in --json', async () => {
    expect(records.length).toBeGreaterThan(5);
    expect(prs.length).toBeGreaterThan(0);
    const r = await mileage(['store', 'migrate', '--db', 'source.duckdb', '--to', ch(), '--json'], {
      cwd,
      env: env(),
    });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      tables: { name: string; rows: number }[];
      check: { ok: boolean; records: number; cost: string; cells: number };
      notCopied: { name: string }[];
    };
    expect(summary.tables.slice(0, 2)).toEqual([
      { name: 'usage', rows: records.length },
      { name: 'outcomes', rows: prs.length },
    ]);
    // The directory's tables go too (empty here: this store never loaded an org file).
    expect(summary.tables.map((t) => t.name)).toContain('dir_people');
    const cost = records.reduce(
      (a, x) => (x.cost.amount === null ? a : a.plus(x.cost.amount.toString())),
      new Decimal(0),
    );
    expect(summary.check.ok).toBe(true);
    expect(summary.check.records).toBe(records.length);
    expect(new Decimal(summary.check.cost).toString()).toBe(cost.toString());
    expect(summary.check.cells).toBeGreaterThan(1);
    // Derived tables are named as left behind, never silently dropped.
    expect(summary.notCopied.map((t) => t.name)).toContain('ledger');
    expect(r.stderr).toMatch(/usage: \d+ rows/);
  });

  it('copying again changes no total on ClickHouse (a new version of the same rows)', async () => {
    const r = await mileage(['store', 'migrate', '--db', 'source.duckdb', '--to', ch()], { cwd, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Verified: \d+ stream-months identical/);
  });

  it('copies back into a new embedded store with the same totals per stream and month', async () => {
    const r = await mileage(['store', 'migrate', '--from', ch(), '--db', 'back.duckdb', '--json'], {
      cwd,
      env: env(),
    });
    expect(r.code, r.stderr).toBe(0);
    const source = await openStore(join(cwd, 'source.duckdb'));
    const back = await openStore(join(cwd, 'back.duckdb'));
    try {
      expect(await factTotals(back)).toEqual(await factTotals(source));
      // Every column came back as stored (ids, days, costs, bases), not only the totals.
      const rows =
        'SELECT id, day, CAST(cost AS VARCHAR) AS cost, cost_basis, stream, counted FROM usage ORDER BY id';
      expect(await back.query(rows)).toEqual(await source.query(rows));
      expect(await back.getMeta('org')).toBe('acme');
      // The copy is usable: its ledger was computed from the copied facts.
      const [ledger] = await back.query('SELECT count(*) AS n FROM ledger');
      expect(Number(ledger?.n)).toBeGreaterThan(0);
    } finally {
      await source.close();
      await back.close();
    }
    // Into a store that already has records: refused, nothing mixed.
    const again = await mileage(['store', 'migrate', '--from', ch(), '--db', 'back.duckdb'], {
      cwd,
      env: env(),
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds usage records/);
  });

  it('says clearly when the ClickHouse server cannot be reached, or the flags are wrong', async () => {
    const down = await mileage(
      ['store', 'migrate', '--db', 'source.duckdb', '--to', 'clickhouse://default@127.0.0.1:9/x'],
      {
        cwd,
        env: env(),
      },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach ClickHouse at clickhouse:\/\/default@127\.0\.0\.1:9\/x/);
    const both = await mileage(['store', 'migrate', '--to', ch(), '--from', ch()], { cwd, env: env() });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --to/);
  });
});
