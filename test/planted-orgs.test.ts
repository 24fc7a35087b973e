import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL, PLANTED, generateDemo, type DemoEffects, type DemoTruth } from '../src/demo/index.js';
import { weeklyReport, type WeeklyReport } from '../src/diagnostics/weekly.js';
import { loadDemo } from '../src/demo/load.js';
import { loadOrgFile } from '../src/org/load.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { openStore } from '../src/store/open.js';

/**
 * The diagnostic on organisations other than the default demo: other seeds, sizes, history lengths and effect
 * strengths. Whatever is planted is found; the matching control (same seed and size, nothing planted) gets no
 * variance, model-fit, trajectory, rework or anomaly finding. The report never reads the demo's truth: the
 * test compares what the SQL found with what the generator says it planted.
 */
interface Org {
  name: string;
  seed: number;
  engineers: number;
  months: number;
  effects: DemoEffects;
}

const ORGS: Org[] = [
  {
    name: 'a larger org, stronger variance, milder spend growth',
    seed: 23,
    engineers: 60,
    months: 6,
    effects: { ...PLANTED, userVariance: 6, spendGrowth: 3, deliveryGrowth: 1.1 },
  },
  {
    name: 'a smaller org with four months of history and weaker effects',
    seed: 5,
    engineers: 20,
    months: 4,
    effects: { ...PLANTED, userVariance: 3.6, spendGrowth: 2.4, deliveryGrowth: 1.0, unpriced: false },
  },
];

const FLAG_OF: Record<Exclude<keyof DemoEffects, 'experimentLift'>, string> = {
  modelFit: 'model_fit.top_workload',
  userVariance: 'variance.cost_per_pr_spread',
  spendGrowth: 'trajectory.spend_vs_delivery',
  deliveryGrowth: 'trajectory.spend_vs_delivery',
  reworkRise: 'quality.rework_share',
  spike: 'anomaly.daily_spike',
  unpriced: 'data.unpriced_volume',
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mileage-orgs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function diagnose(
  org: Org,
  effects: DemoEffects,
  label: string,
): Promise<{ report: WeeklyReport; truth: DemoTruth; nameOf: (id: string) => string }> {
  const manifest = await generateDemo(
    { seed: org.seed, engineers: org.engineers, months: org.months, end: '2026-11-16', effects },
    join(root, `${org.seed}-${label}`),
  );
  const loaded = await loadOrgFile(manifest.orgFile);
  if (!loaded.ok) throw new Error(`demo org file invalid: ${JSON.stringify(loaded.error)}`);
  const directory = loaded.value;
  const db = await openStore(':memory:');
  try {
    const book = new PriceBook(directory.priceOverrides);
    await loadDemo(db, manifest, directory, book);
    const report = await weeklyReport({
      db,
      org: directory.org,
      // Named individuals for the test's own check of who was found; privacy has tests of its own.
      privacy: { individuals: 'visible', minGroupSize: 1 },
      viewer: { role: 'owner' },
      reprice: (p, m, at, tokens) => book.estimate(p, m, at, tokens).amount,
    });
    if (!report) throw new Error('no report');
    const nameOf = (id: string) => directory.people.find((p) => p.id === id)?.name ?? `unknown ${id}`;
    return { report, truth: manifest.truth, nameOf };
  } finally {
    await db.close();
  }
}

const flagged = (r: WeeklyReport) => new Set(r.findings.filter((f) => f.flag).map((f) => f.id));

describe.each(ORGS)('planted effects: $name', { timeout: 240_000 }, (org) => {
  it('finds every planted effect, naming the planted engineer and workload', async () => {
    const { report, truth, nameOf } = await diagnose(org, org.effects, 'planted');
    const found = flagged(report);
    const expected = (Object.keys(FLAG_OF) as (keyof DemoEffects)[])
      .filter((k): k is keyof typeof FLAG_OF => k !== 'deliveryGrowth' && k !== 'experimentLift')
      .filter((k) => {
        const v = org.effects[k];
        return typeof v === 'boolean' ? v : k === 'userVariance' ? v >= 3 : v >= 1.5;
      })
      .map((k) => FLAG_OF[k]);
    for (const id of expected) expect(found, `expected ${id} flagged`).toContain(id);

    const variance = report.findings.find((f) => f.id === 'variance.cost_per_pr_spread');
    expect(variance?.answer).toContain(nameOf(truth.heavyEngineer));
    const spike = report.findings.find((f) => f.id === 'anomaly.daily_spike');
    expect(spike?.answer).toContain(truth.spikeDay ?? 'no spike day');
    const trajectory = report.findings.find((f) => f.id === 'trajectory.spend_vs_delivery');
    const growth = parseFloat(String(trajectory?.evidence.spend_growth)); // "4.64x"
    expect(growth).toBeGreaterThan(org.effects.spendGrowth * 0.75);
    expect(growth).toBeLessThan(org.effects.spendGrowth * 1.25);
    const top = report.topWorkloads[0];
    expect(report.findings.find((f) => f.id === 'model_fit.top_workload')?.answer).toContain(
      top?.label ?? 'no top workload',
    );
  });

  it('flags no variance, model-fit, trajectory, rework or anomaly on its control', async () => {
    const { report } = await diagnose(org, CONTROL, 'control');
    expect([...flagged(report)].sort()).toEqual([]);
  });
});
