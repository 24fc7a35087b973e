import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { mileage } from './cli.js';

interface Plan {
  window: { since: string; until: string };
  workloads: {
    kind: string;
    id: string;
    label: string;
    model: string | null;
    spend: string;
    incumbentListCost: string | null;
    candidates: {
      model: string;
      listPrices: {
        inputMtok: string;
        cacheReadMtok: string | null;
        cacheWriteMtok: string | null;
        outputMtok: string;
      };
      cost: string;
      saving: string;
    }[];
    bar: { written: boolean; version: number | null } | null;
    lastAudit: { day: string; incumbent: string } | null;
  }[];
}

/**
 * Anthropic's published list prices, USD per million tokens (https://docs.anthropic.com/en/docs/about-claude/pricing,
 * "Model pricing": base input, 5-minute cache write, cache hit, output), written here by hand so the expected
 * saving does not come from the price catalog the code under test reads.
 */
const PUBLISHED = {
  'claude-opus-4-1': { input: 15, cacheWrite: 18.75, cacheRead: 1.5, output: 75 },
  'claude-haiku-4-5': { input: 1, cacheWrite: 1.25, cacheRead: 0.1, output: 5 },
} as const;

const SINCE = '2026-10-17';
const UNTIL = '2026-11-16';

let cwd: string;
const orgFile = '.mileage/demo-42/mileage.yaml';

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mileage-audit-plan-'));
  const demo = await mileage(['demo', '--db', 'store.duckdb'], { cwd });
  expect(demo.code, demo.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function plan(args: string[]): Promise<Plan> {
  const r = await mileage(['audit', 'plan', '--db', 'store.duckdb', '--json', ...args], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Plan;
}

describe('mileage audit plan on the demo store', () => {
  it('puts Alert triage first on Opus 4.1, with Haiku 4.5 at list price and the saving its token mix gives', async () => {
    const p = await plan(['--config', orgFile, '--since', SINCE, '--until', UNTIL, '--top', '3']);
    expect(p.window).toEqual({ since: SINCE, until: UNTIL });
    expect(p.workloads).toHaveLength(3);
    const top = p.workloads[0];
    expect(top?.kind).toBe('workflow');
    expect(top?.label).toBe('Alert triage');
    expect(top?.model).toBe('claude-opus-4-1');

    const haiku = top?.candidates.find((c) => c.model === 'claude-haiku-4-5');
    const list = PUBLISHED['claude-haiku-4-5'];
    expect(haiku?.listPrices).toEqual({
      inputMtok: String(list.input),
      cacheReadMtok: String(list.cacheRead),
      cacheWriteMtok: String(list.cacheWrite),
      outputMtok: String(list.output),
    });

    // The workload's token mix, read from the store's rows directly.
    const store = await openStore(join(cwd, 'store.duckdb'));
    let mix: Record<string, unknown> | undefined;
    let models: string[];
    try {
      const where = `workflow_id = 'alert-triage' AND day >= DATE '${SINCE}' AND day < DATE '${UNTIL}' AND NOT unpriced`;
      [mix] = await store.query(
        `SELECT CAST(sum(input_tokens) AS VARCHAR) AS input, CAST(sum(cache_read_tokens) AS VARCHAR) AS cache_read,
           CAST(sum(cache_write_tokens) AS VARCHAR) AS cache_write, CAST(sum(output_tokens) AS VARCHAR) AS output
         FROM ledger_daily WHERE ${where}`,
      );
      models = (await store.query(`SELECT DISTINCT model FROM ledger_daily WHERE ${where}`)).map((r) =>
        String(r.model),
      );
    } finally {
      await store.close();
    }
    expect(models).toEqual(['claude-opus-4-1']);
    const priced = (prices: { input: number; cacheRead: number; cacheWrite: number; output: number }) =>
      new Decimal(String(mix?.input))
        .times(prices.input)
        .plus(new Decimal(String(mix?.cache_read)).times(prices.cacheRead))
        .plus(new Decimal(String(mix?.cache_write)).times(prices.cacheWrite))
        .plus(new Decimal(String(mix?.output)).times(prices.output))
        .dividedBy(1_000_000);
    const incumbent = priced(PUBLISHED['claude-opus-4-1']);
    const candidate = priced(PUBLISHED['claude-haiku-4-5']);
    expect(new Decimal(String(mix?.cache_read)).isPositive()).toBe(true);
    expect(new Decimal(top?.incumbentListCost ?? 'NaN').toFixed(6)).toBe(incumbent.toFixed(6));
    expect(new Decimal(haiku?.cost ?? 'NaN').toFixed(6)).toBe(candidate.toFixed(6));
    expect(new Decimal(haiku?.saving ?? 'NaN').toFixed(6)).toBe(incumbent.minus(candidate).toFixed(6));

    expect(top?.bar).toEqual({ written: true, version: 3 });
    // The demo's recorded audit ran 12 days before the demo's last day of Alert triage usage.
    expect(top?.lastAudit).toMatchObject({ day: '2026-11-04', incumbent: 'claude-opus-4-1' });
  }, 60_000);

  it('names no person when individuals are hidden: their usage is described by team', async () => {
    const yaml = await readFile(join(cwd, orgFile), 'utf8');
    const names = [...yaml.matchAll(/name: "([^"]+)"\n\s+team:/g)].map((m) => m[1] ?? '');
    expect(names.length).toBeGreaterThan(5);
    const visible = await plan(['--config', orgFile, '--top', '5']);
    // With individuals visible the demo's costliest coding workloads carry a person's name...
    expect(visible.workloads.some((w) => w.kind === 'person' && names.some((n) => w.label.includes(n)))).toBe(
      true,
    );
    const hidden = join(cwd, 'hidden.yaml');
    await writeFile(hidden, yaml.replace('individuals: visible', 'individuals: team'));
    const r = await mileage(['audit', 'plan', '--db', 'store.duckdb', '--config', hidden, '--top', '5'], {
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
    // ...and with them hidden neither the text nor any workload names one.
    for (const n of names) expect(r.stdout).not.toContain(n);
    const json = await plan(['--config', hidden, '--top', '5']);
    expect(json.workloads.some((w) => w.kind === 'person')).toBe(false);
    expect(json.workloads[0]?.label).toBe('Alert triage');
    expect(json.workloads.some((w) => w.kind === 'team')).toBe(true);
  }, 120_000);
});
