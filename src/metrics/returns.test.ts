import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import type { OutcomeRecord } from '../domain/outcome.js';
import { addDays } from '../domain/time.js';
import type { UsageRecord } from '../domain/usage.js';
import type { Db } from '../store/db.js';
import { workAllocation } from './allocation.js';
import { keysForSpend, top4Shift } from './concentration.js';
import { evidenceCoverage } from './coverage.js';
import { aiAssistedShare, cycleTime } from './delivery-flow.js';
import {
  costPerClosedTicket,
  costPerMergedPr,
  costPerWorkflowOutcome,
  tokensPerPoint,
  tokensPerSession,
} from './effectiveness.js';
import { costPerMtokMetric, expectedBand } from './efficiency.js';
import { tokensPerDollarMetric } from './spend-table.js';
import { deliveryQuadrant } from './quadrant.js';
import { reworkTax } from './quality.js';
import type { MetricTable } from './table.js';
import { modelMix, spendCalendar } from './spend-series.js';
import { withCacheHit, whatIf } from './whatif.js';
import { buildStore, context, days, ORG, outcome, usage } from './testing/fixture.js';

/**
 * Four weeks, 2026-09-21 to 2026-10-19. The window under test is the last two (W); the two before (P) are the
 * "previous window" of the trend metrics. Per day: Ana $2.50, Bo $1.00, Cy $3.00 (agents, one session each),
 * the triage bot $5.00 on Haiku (key → workflow), a loose key $0.50. Every expected figure below is worked out
 * from these numbers by hand, not by the code under test.
 */
const START = '2026-09-21';
const W = { since: '2026-10-05', until: '2026-10-19' };
const ALL_DAYS = days(START, 28);

function records(): UsageRecord[] {
  return ALL_DAYS.flatMap((day) => [
    usage({
      day,
      id: 'ana',
      cost: '2.50',
      actor: 'ana@acme.test',
      session: `s-ana-${day}`,
      tokens: { input: 100_000, cacheRead: 300_000, output: 10_000 },
    }),
    usage({
      day,
      id: 'bo',
      cost: '1.00',
      actor: 'bo@acme.test',
      session: `s-bo-${day}`,
      tokens: { input: 50_000, cacheRead: 50_000, output: 5_000 },
    }),
    usage({
      day,
      id: 'cy',
      cost: '3.00',
      actor: 'cy@acme.test',
      session: `s-cy-${day}`,
      tokens: { input: 200_000, output: 20_000 },
    }),
    usage({
      day,
      id: 'bot',
      cost: '5.00',
      key: 'k-bot',
      tool: 'api',
      model: 'claude-haiku-4-5',
      tokens: { input: 1_000_000 },
    }),
    usage({ day, id: 'small', cost: '0.50', key: 'k-small', tool: 'api', tokens: { input: 100_000 } }),
  ]);
}

function outcomes(): OutcomeRecord[] {
  const out: OutcomeRecord[] = [];
  for (let week = 0; week < 4; week++) {
    const monday = addDays(START, 7 * week);
    const inW = week >= 2;
    // Ana: one PR a week before W (24 h open), two a week in W (48 h open), the first of W a revert.
    for (const [i, offset] of (inW ? [1, 3] : [2]).entries()) {
      out.push(
        outcome({
          day: addDays(monday, offset),
          id: `ana-${week}-${i}`,
          actor: 'ana@acme.test',
          points: 3,
          openedHoursBefore: inW ? 48 : 24,
          rework: week === 2 && i === 0,
          lines: 20,
          category: 'new_value',
        }),
      );
    }
    out.push(
      outcome({
        day: addDays(monday, 2),
        id: `bo-${week}`,
        actor: 'bo@acme.test',
        points: 2,
        openedHoursBefore: 72,
        lines: 40,
        category: 'ktlo',
      }),
    );
    for (const offset of [0, 2, 4]) {
      out.push(
        outcome({
          day: addDays(monday, offset),
          id: `cy-${week}-${offset}`,
          actor: 'cy@acme.test',
          points: 1,
          openedHoursBefore: 24,
          ai: true,
          lines: 10,
        }),
      );
    }
    out.push(
      outcome({
        day: addDays(monday, 4),
        id: `t-${week}`,
        actor: 'ana@acme.test',
        points: 0,
        kind: 'ticket_closed',
      }),
    );
  }
  for (const day of ALL_DAYS) {
    out.push(
      outcome({
        day,
        id: `wf-${day}`,
        actor: null,
        points: 0,
        kind: 'alert_triaged',
        workflow: 'wf-triage',
        count: 10,
      }),
    );
  }
  return out;
}

const row = (t: MetricTable, key: string) => {
  const r = t.rows.find((x) => x.key === key);
  if (!r) throw new Error(`no row ${key} in ${t.metric}: ${t.rows.map((x) => x.key).join(', ')}`);
  return r.values;
};

let db: Db;
beforeAll(async () => {
  db = await buildStore(ORG, records(), outcomes());
});
afterAll(async () => {
  await db.close();
});
const ctx = () => context(db, W.since, W.until);

describe('spend shape', () => {
  it('spend.calendar: 365 days ending with the window, a day with data sums every source, others are 0', async () => {
    const t = await spendCalendar(ctx());
    expect(t.rows).toHaveLength(365);
    expect(t.rows.at(-1)?.key).toBe('2026-10-18');
    expect(Number(row(t, '2026-10-01').cost)).toBeCloseTo(2.5 + 1 + 3 + 5 + 0.5, 9);
    expect(row(t, '2026-09-20').cost).toBe('0');
    expect(t.rows.reduce((a, r) => a + Number(r.values.cost), 0)).toBeCloseTo(12 * 28, 6); // 2026-09-21 … 10-18: 28 days
  });

  it('spend.model_mix: Haiku takes 5 of every 12 dollars, each week', async () => {
    const t = await modelMix(ctx());
    expect(row(t, '2026-10-05|claude-haiku-4-5').share).toBeCloseTo(5 / 12, 9);
    expect(row(t, '2026-10-12|claude-sonnet-4-6').share).toBeCloseTo(7 / 12, 9);
    // tokens: Haiku 1M of 1M + 410k + 105k + 220k + 100k a day
    expect(row(t, '2026-10-05|claude-haiku-4-5').token_share).toBeCloseTo(1_000_000 / 1_835_000, 9);
  });
});

describe('efficiency', () => {
  it('efficiency.cost_per_mtok and tokens per dollar with cache-read share, by person', async () => {
    const c = await costPerMtokMetric.run(ctx(), 'person');
    expect(Number(row(c, 'ana').cost_per_mtok)).toBeCloseTo((2.5 / 410_000) * 1e6, 6);
    expect(row(c, 'ana').cache_read_share).toBeCloseTo(300 / 410, 9);
    const t = await tokensPerDollarMetric.run(ctx(), 'key');
    expect(t.rows.find((r) => r.label === 'triage-bot')?.values.tokens_per_dollar).toBeCloseTo(200_000, 6);
  });

  it('efficiency.expected_band: each workload against the other workloads of its type across the org', async () => {
    const t = await expectedBand(ctx());
    // triage: one workload (the triage bot, 200,000 tokens per dollar every week) and no band configured:
    // no peers, said plainly, rather than a band learned from the bot's own history.
    expect(row(t, 'triage')).toMatchObject({
      band_low: null,
      band_high: null,
      basis: 'no peers of type triage to compare with',
      workloads: 1,
      below_band: null,
      below: 'no peers of type triage to compare with',
    });
    // agentic coding: four weeks each of Cy 73,333.3, Bo 105,000, Ana 164,000 → Q1 73,333.3, median 105,000, Q3 164,000.
    expect(row(t, 'agentic-coding').band_low).toBeCloseTo(220_000 / 3, 6);
    expect(row(t, 'agentic-coding').band_median).toBeCloseTo(105_000, 6);
    expect(row(t, 'agentic-coding').band_high).toBeCloseTo(164_000, 6);
    expect(row(t, 'agentic-coding').basis).toBe(
      '3 workloads of type agentic-coding across the org, 12 workload-weeks',
    );
    // Each judged against the two others: Cy (73,333) is below Bo's and Ana's band (Q1 105,000); Bo
    // (105,000) is within Cy's and Ana's (Q1 73,333), Ana (164,000) above Cy's and Bo's.
    expect(row(t, 'agentic-coding')).toMatchObject({ workloads: 3, below_band: 1 });
    expect(String(row(t, 'agentic-coding').below)).toMatch(/Cy/);
  });

  it('efficiency.expected_band: a band configured in mileage.yaml is used as it is', async () => {
    const configured = await buildStore(
      { ...ORG, workloadBands: [{ type: 'triage', low: 250_000, high: 1_000_000 }] },
      records(),
      outcomes(),
    );
    try {
      const t = await expectedBand(context(configured, W.since, W.until));
      expect(row(t, 'triage')).toMatchObject({
        band_low: 250_000,
        band_high: 1_000_000,
        band_median: null,
        basis: 'configured for triage in mileage.yaml',
        below_band: 1,
      });
      expect(String(row(t, 'triage').below)).toMatch(/Triage/);
    } finally {
      await configured.close();
    }
  });
});

describe('effectiveness', () => {
  it('cost per merged PR and per closed ticket, person × period, by team and person', async () => {
    const pr = await costPerMergedPr(ctx(), 'team');
    expect(Number(row(pr, 'alpha').cost_per_unit)).toBeCloseTo((35 + 14) / 6, 9);
    expect(Number(row(pr, 'beta').cost_per_unit)).toBeCloseTo(42 / 6, 9);
    const tickets = await costPerClosedTicket(ctx(), 'person');
    expect(Number(row(tickets, 'ana').cost_per_unit)).toBeCloseTo(35 / 2, 9);
    expect(row(tickets, 'bo').cost_per_unit).toBeNull(); // spend, no tickets
  });

  it('effectiveness.cost_per_workflow_outcome: $70 over 140 triaged alerts', async () => {
    const t = await costPerWorkflowOutcome(ctx());
    // Money as exact decimal strings: $70 and $0.50 to the ten decimals the store keeps.
    expect(row(t, 'wf-triage').cost_per_outcome).toBe('0.5000000000');
    expect(row(t, 'wf-triage').spend).toBe('70.0000000000');
    expect(row(t, 'wf-triage').outcomes).toBe(140);
  });

  it('effectiveness.tokens_per_session by person', async () => {
    const t = await tokensPerSession(ctx(), 'person');
    expect(row(t, 'ana')).toMatchObject({ mean: 410_000, median: 410_000, sessions: 14 });
    expect(row(t, 'cy').mean).toBe(220_000);
  });

  it('effectiveness.tokens_per_session by model: every agent session of the window, labelled by its key', async () => {
    // 14 days × (Ana 410k, Bo 105k, Cy 220k), all on Sonnet; the bot and the loose key have no sessions.
    const t = await tokensPerSession(ctx(), 'model');
    expect(t.rows.map((r) => [r.key, r.label])).toEqual([['claude-sonnet-4-6', 'claude-sonnet-4-6']]);
    expect(row(t, 'claude-sonnet-4-6')).toMatchObject({
      sessions: 42,
      mean: (410_000 + 105_000 + 220_000) / 3,
      median: 220_000,
      p90: 410_000,
    });
  });

  it('effectiveness.tokens_per_point and its trend: Ana doubled her points on the same tokens', async () => {
    const t = await tokensPerPoint(ctx(), 'person');
    expect(row(t, 'ana').tokens_per_point).toBeCloseTo((14 * 410_000) / 12, 6);
    expect(row(t, 'ana').previous).toBeCloseTo((14 * 410_000) / 6, 6);
    expect(row(t, 'ana').trend).toBeCloseTo(0.5, 9);
    expect(row(t, 'bo').trend).toBeCloseTo(1, 9);
  });

  it('effectiveness.ai_assisted_share of PRs and effective lines', async () => {
    const t = await aiAssistedShare(ctx(), null);
    expect(row(t, 'all').pr_share).toBeCloseTo(6 / 12, 9);
    expect(row(t, 'all').line_share).toBeCloseTo(60 / (80 + 80 + 60), 9);
  });

  it('effectiveness.cycle_time: median hours and change against the window before', async () => {
    const t = await cycleTime(ctx(), 'person');
    expect(row(t, 'ana')).toMatchObject({ median_hours: 48, previous_hours: 24, change: 2, prs: 4 });
    expect(row(t, 'bo').median_hours).toBe(72);
  });
});

describe('concentration', () => {
  it('concentration.keys_for_spend: one key of two makes both 50% and 80%', async () => {
    const t = await keysForSpend(ctx());
    expect(row(t, 'all')).toMatchObject({ keys: 2, keys_for_50: 1, keys_for_80: 1 });
    expect(row(t, 'all').key_share).toBeCloseTo(5.5 / 12, 9);
  });

  it('concentration.top4_shift: bot, Cy, Ana, Bo take 11.5 of 12 dollars each week; no shift', async () => {
    const t = await top4Shift(ctx());
    expect(row(t, '2026-10-05').top4_share).toBeCloseTo(11.5 / 12, 9);
    expect(row(t, '2026-10-05').shift).toBeNull();
    expect(row(t, '2026-10-12').shift).toBeCloseTo(0, 9);
  });
});

describe('quadrant, quality tax, allocation', () => {
  it('quadrant.delivery_efficiency: split at the medians (3 points a week, 4/14 points per dollar)', async () => {
    const t = await deliveryQuadrant(ctx(), 'person');
    expect(row(t, 'ana')).toMatchObject({ points_per_week: 6, quadrant: 'high delivery, high efficiency' });
    expect(row(t, 'ana').points_per_dollar).toBeCloseTo(12 / 35, 9);
    expect(row(t, 'bo').quadrant).toBe('low delivery, high efficiency');
    expect(row(t, 'cy').quadrant).toBe('high delivery, low efficiency');
  });

  it('quality.rework_tax: one of Ana’s four PRs is a revert; spend on it is her $35 ÷ 4', async () => {
    const byPerson = await reworkTax(ctx(), 'person');
    expect(row(byPerson, 'ana')).toMatchObject({ pr_share: 0.25, points_share: 0.25 });
    expect(row(byPerson, 'ana').rework_spend).toBe('8.75'); // exact decimal text, never a float
    const all = await reworkTax(ctx(), null);
    expect(row(all, 'all').spend_share).toBeCloseTo(8.75 / 91, 9);
    // The quality tax: 1 rework PR of the 12 merged in W (Ana 2, Bo 1, Cy 3 a week), against the 10 PRs
    // without rework of the two weeks before.
    expect(row(all, 'all').pr_share).toBeCloseTo(1 / 12, 9);
    expect(row(all, 'all').previous_pr_share).toBe(0);
    expect(row(all, 'all').pr_share_change).toBeCloseTo(1 / 12, 9);
  });

  it('allocation.new_value_share: points and person × period spend by category', async () => {
    const t = await workAllocation(ctx(), null);
    expect(row(t, 'all|new_value').points_share).toBeCloseTo(12 / 22, 9);
    expect(row(t, 'all|new_value').spend_share).toBeCloseTo(35 / 91, 9);
    expect(row(t, 'all|ktlo').spend_share).toBeCloseTo(14 / 91, 9);
  });
});

describe('what-if and coverage', () => {
  // A stub price list: $2 per million tokens on Sonnet, $1 on Haiku; cache reads at a tenth.
  const RATE: Record<string, number> = { 'claude-sonnet-4-6': 2e-6, 'claude-haiku-4-5': 1e-6 };
  const reprice = (
    _p: string | null,
    model: string,
    _at: Date,
    t: { input: number; cacheRead: number; cacheWrite: number; output: number },
  ) =>
    RATE[model] === undefined
      ? null
      : usd(((t.input + t.cacheWrite + t.output + t.cacheRead / 10) * RATE[model]).toFixed(10));

  it('whatif.reprice on Haiku halves the Sonnet spend and leaves the Haiku bot as it was', async () => {
    const t = await whatIf(ctx(), reprice, { model: 'claude-haiku-4-5', cacheHit: null }, null);
    const sonnet = 14 * (2.5 + 1 + 3 + 0.5);
    expect(Number(row(t, 'all').actual)).toBeCloseTo(sonnet + 70, 6);
    expect(Number(row(t, 'all').what_if)).toBeCloseTo(sonnet / 2 + 70, 6);
    expect(row(t, 'all').repriced_share).toBeCloseTo(1, 9);
  });

  it('whatif.reprice with a 90% cache hit re-prices Cy’s uncached prompts', async () => {
    expect(
      withCacheHit({ input: 200_000, cacheRead: 0, cacheWrite: 0, output: 20_000, reasoning: 0 }, 0.9),
    ).toMatchObject({ input: 20_000, cacheRead: 180_000 });
    const t = await whatIf(ctx(), reprice, { model: null, cacheHit: 0.9 }, 'person');
    // Cy: list 220k × $2/M = $0.44 → (20k + 18k + 20k) × $2/M = $0.116; actual $3 scales by the same ratio.
    expect(Number(row(t, 'cy').what_if)).toBeCloseTo(42 * (58_000 / 220_000), 6);
    // Ana already reads 75% from cache: 90% of 400k = 360k → (40k + 36k + 10k) vs (100k + 30k + 10k).
    expect(Number(row(t, 'ana').what_if)).toBeCloseTo(35 * (86_000 / 140_000), 6);
  });

  it('coverage.evidence_levels: team, person and workflow shares; no PR attribution without sessions on PR branches', async () => {
    const t = await evidenceCoverage(ctx());
    const total = 14 * 12;
    expect(row(t, 'team').share).toBeCloseTo((total - 7) / total, 9);
    expect(row(t, 'person').share).toBeCloseTo(91 / total, 9);
    expect(row(t, 'workflow').share).toBeCloseTo(70 / total, 9);
    expect(row(t, 'level:key').share).toBeCloseTo(7 / total, 9);
    expect(row(t, 'pr')).toMatchObject({ cost: '0', share: 0 });
    // The level rows' dollars, as exact text, add up to the priced spend exactly.
    const dollars = t.rows.filter((r) => r.key.startsWith('level:'));
    expect(dollars.reduce((a, r) => a.plus(String(r.values.cost)), new Decimal(0)).toFixed()).toBe(
      String(total),
    );
    // The unpriced row has no dollars: null, which every renderer shows as unpriced.
    expect(row(t, 'unpriced').cost).toBeNull();
    expect(String(row(t, 'pr').evidence)).toContain('no agent session on a PR branch yet');
    const levels = t.rows.filter((r) => r.key.startsWith('level:'));
    expect(levels.reduce((a, r) => a + Number(r.values.share), 0)).toBeCloseTo(1, 9);
  });
});
