import { beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, type DemoContent } from './generate.js';
import { measureDemo, type DemoMeasures } from './measure.js';
import { CONTROL, demoOptions } from './options.js';

/**
 * The planted effects, measured straight from the raw files of the default demo (30 engineers, six months)
 * with exact list prices: present when planted, absent in the control organisation.
 */

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

describe('planted effects, default demo', () => {
  let demo: DemoContent;
  let m: DemoMeasures;
  beforeAll(() => {
    demo = buildDemo(demoOptions({ seed: 7 }));
    m = measureDemo(demo.files);
  });

  it('has six months of 30 engineers in four teams, within the line budget', () => {
    expect(m.start).toBe('2026-05-18');
    expect(m.end).toBe('2026-11-16');
    expect(m.people).toHaveLength(30);
    const sizes = ['payments', 'platform', 'frontend', 'data'].map(
      (t) => m.people.filter((p) => p.team === t).length,
    );
    expect(sizes).toEqual([8, 8, 7, 7]);
    expect(m.claudeLines).toBeLessThanOrEqual(200_000);
    expect(m.logsMatchReport).toBe(true);
    expect(m.costReportIsBilledList).toBe(true);
  });

  it('model fit: alert triage on Opus 4.1 with little caching is the top key, at a fraction of its peers’ tokens per dollar', () => {
    const [top, ...rest] = m.topKeys;
    expect(top?.key).toBe(demo.truth.topWorkloadKey);
    expect(demo.files.get('mileage.yaml')?.text).toContain(`id: ${top?.key}, name: alert-triage-bot`);
    expect(top?.cost).toBeGreaterThan(2 * (rest[0]?.cost ?? 0));
    expect(top?.tokensPerDollar ?? 0).toBeLessThan(
      0.1 * median(rest.slice(0, 7).map((k) => k.tokensPerDollar)),
    );
    const report = [...demo.files]
      .filter(([p]) => p.startsWith('anthropic/usage-report/'))
      .map(([, f]) => f.text);
    expect(report.join('')).toContain('"model":"claude-opus-4-1"');
  });

  it('user variance: one engineer spends ~4x per merged PR on the same number and size of PRs', () => {
    const heavy = m.people.find((p) => p.person === demo.truth.heavyEngineer);
    expect(heavy).toBeDefined();
    const team = m.people.filter((p) => p.team === heavy?.team && p !== heavy);
    expect(team.length).toBeGreaterThanOrEqual(5);
    expect(heavy?.ratio).toBeGreaterThan(3.3);
    expect(heavy?.ratio).toBeLessThan(5);
    expect(Math.abs((heavy?.prs ?? 0) / median(team.map((p) => p.prs)) - 1)).toBeLessThan(0.15);
    expect(Math.abs((heavy?.lines ?? 0) / median(team.map((p) => p.lines)) - 1)).toBeLessThan(0.3);
    const others = m.people.filter((p) => p !== heavy);
    expect(Math.max(...others.map((p) => p.ratio))).toBeLessThan(2);
  });

  it('trajectory: spend grows ~4.6x edge to edge while delivery grows ~1.2x', () => {
    expect(m.spendGrowth).toBeGreaterThan(4.2);
    expect(m.spendGrowth).toBeLessThan(5);
    expect(m.prGrowth).toBeGreaterThan(1.05);
    expect(m.prGrowth).toBeLessThan(1.35);
    expect(m.pointsGrowth).toBeGreaterThan(1.05);
    expect(m.pointsGrowth).toBeLessThan(1.35);
  });

  it('rework: the share of reverts and regression fixes rises from ~5% to ~20%', () => {
    expect(m.reworkFirst).toBeLessThan(0.09);
    expect(m.reworkLast).toBeGreaterThan(0.15);
    expect(m.reworkLast).toBeLessThan(0.27);
  });

  it('spike: one working day in the last four weeks costs ~5x a normal day', () => {
    expect(m.spike.day).toBe(demo.truth.spikeDay);
    expect(m.spike.multiple).toBeGreaterThan(4);
    expect(m.spike.multiple).toBeLessThan(6.5);
    expect(demo.truth.spikeDay && demo.truth.spikeDay >= '2026-10-19').toBe(true);
  });

  it('unpriced: the support bot runs a model no price list knows', () => {
    expect(m.unpricedModels).toEqual(['acme-support-ft-v3']);
    expect(demo.truth.unpricedModel).toBe('acme-support-ft-v3');
  });
});

describe('control organisation: nothing planted', () => {
  let demo: DemoContent;
  let m: DemoMeasures;
  beforeAll(() => {
    demo = buildDemo(demoOptions({ seed: 7, effects: CONTROL }));
    m = measureDemo(demo.files);
  });

  it('alert triage runs on Haiku 4.5 and is not the top key', () => {
    const report = [...demo.files]
      .filter(([p]) => p.startsWith('anthropic/usage-report/'))
      .map(([, f]) => f.text);
    expect(report.join('')).not.toContain('claude-opus-4-1');
    expect(report.join('')).toContain('"model":"claude-haiku-4-5"');
    expect(demo.files.get('mileage.yaml')?.text).not.toContain(
      `id: ${m.topKeys[0]?.key}, name: alert-triage-bot`,
    );
  });

  it('no engineer spends 2x their team median per merged PR', () => {
    for (const team of ['payments', 'platform', 'frontend', 'data']) {
      const costs = m.people.filter((p) => p.team === team).map((p) => p.costPerPr);
      expect(Math.max(...costs) / median(costs), team).toBeLessThan(2);
    }
  });

  it('spend and delivery move together, rework stays flat, no day spikes, everything is priced', () => {
    expect(m.spendGrowth).toBeGreaterThan(1);
    expect(m.spendGrowth).toBeLessThan(1.2);
    expect(m.prGrowth).toBeGreaterThan(0.95);
    expect(m.prGrowth).toBeLessThan(1.25);
    expect(m.reworkFirst).toBeGreaterThan(0.03);
    expect(m.reworkFirst).toBeLessThan(0.12);
    expect(m.reworkLast).toBeGreaterThan(0.03);
    expect(m.reworkLast).toBeLessThan(0.12);
    expect(m.spike.multiple).toBeLessThan(1.5);
    expect(m.unpricedModels).toEqual([]);
    expect(demo.truth.spikeDay).toBeNull();
    expect(demo.truth.unpricedModel).toBeNull();
  });
});

describe('planted effects hold across seeds', () => {
  it.each([1, 42])('seed %i', (seed) => {
    const demo = buildDemo(demoOptions({ seed }));
    const m = measureDemo(demo.files);
    const heavy = m.people.find((p) => p.person === demo.truth.heavyEngineer);
    expect(heavy?.ratio).toBeGreaterThan(3.3);
    expect(m.spendGrowth).toBeGreaterThan(4.2);
    expect(m.spendGrowth).toBeLessThan(5);
    expect(m.spike.day).toBe(demo.truth.spikeDay);
    expect(m.reworkLast - m.reworkFirst).toBeGreaterThan(0.08);
    expect(m.topKeys[0]?.key).toBe(demo.truth.topWorkloadKey);
  });
});
