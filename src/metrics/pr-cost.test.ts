import { existsSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/db.js';
import { cycleTime } from './delivery-flow.js';
import { findMetric } from './catalog.js';
import { evidenceCoverage } from './coverage.js';
import { costPerMergedPr, prSpendBySession } from './effectiveness.js';
import { ATTRIBUTED_PRS, spendTotal } from './pr-cost.js';
import { buildStore, context, ORG, outcome, usage, type PrSpec, type UsageSpec } from './testing/fixture.js';

const W = { since: '2026-07-01', until: '2026-07-08' };
const REPO = 'github.com/acme/api';

/** The PRs, with review times for cycle_time (hours before the merge). P5 merges after the window. */
const PRS: (PrSpec & { id: string })[] = [
  {
    day: '2026-07-03',
    id: 'P1',
    actor: 'ana@acme.test',
    points: 2,
    branch: 'feat/a',
    openedHoursBefore: 30,
    reviewedHoursBefore: 10,
    approvedHoursBefore: 5,
  },
  {
    day: '2026-07-04',
    id: 'P2',
    actor: 'ana@acme.test',
    points: 1,
    branch: 'feat/b',
    openedHoursBefore: 24,
    reviewedHoursBefore: 4,
    approvedHoursBefore: 2,
  },
  {
    day: '2026-07-05',
    id: 'P3',
    actor: 'bo@acme.test',
    points: 2,
    branch: 'feat/c',
    openedHoursBefore: 48,
    reviewedHoursBefore: 40,
    approvedHoursBefore: 1,
  },
  // feat/a again: the branch name is reused by Cy after P1 merged.
  { day: '2026-07-07', id: 'P4', actor: 'cy@acme.test', points: 5, branch: 'feat/a', openedHoursBefore: 27 },
  {
    day: '2026-07-12',
    id: 'P5',
    actor: 'bo@acme.test',
    points: 3,
    branch: 'feat/late',
    openedHoursBefore: 144,
  },
];

/**
 * Spend, each with where its dollars must end up: a PR by session (`pr`), the person × period remainder of
 * a person (`rest`), or nowhere (`none`). Amounts have ten decimals so rounding would show.
 */
const SPEND: (UsageSpec & { to: { pr: string } | { rest: string } | 'none' })[] = [
  {
    day: '2026-07-02',
    hour: 10,
    id: 'a1',
    actor: 'ana@acme.test',
    session: 's1',
    repo: REPO,
    branch: 'feat/a',
    cost: '2.5',
    tokens: { input: 10 },
    to: { pr: 'P1' },
  },
  {
    day: '2026-07-03',
    hour: 11,
    id: 'a2',
    actor: 'ana@acme.test',
    session: 's1',
    repo: REPO,
    branch: 'feat/a',
    cost: '1.2345678901',
    tokens: { input: 10 },
    to: { pr: 'P1' },
  },
  // On main: falls back to Ana's PRs, by points (2 : 1).
  {
    day: '2026-07-04',
    hour: 9,
    id: 'a3',
    actor: 'ana@acme.test',
    session: 's2',
    repo: REPO,
    branch: 'main',
    cost: '1',
    tokens: { input: 10 },
    to: { rest: 'ana' },
  },
  // Ana pairs on Bo's branch: the dollars follow the PR, not the person.
  {
    day: '2026-07-05',
    hour: 10,
    id: 'a4',
    actor: 'ana@acme.test',
    session: 's3',
    repo: REPO,
    branch: 'feat/c',
    cost: '0.3333333333',
    tokens: { input: 10 },
    to: { pr: 'P3' },
  },
  {
    day: '2026-07-06',
    hour: 13,
    id: 'c1',
    actor: 'cy@acme.test',
    session: 's4',
    repo: REPO,
    branch: 'feat/a',
    cost: '4',
    tokens: { input: 10 },
    to: { pr: 'P4' },
  },
  {
    day: '2026-07-02',
    hour: 9,
    id: 'c2',
    actor: 'cy@acme.test',
    session: 's5',
    cost: '1.1',
    tokens: { input: 10 },
    to: { rest: 'cy' },
  },
  // Bo's session on a PR merged after the window: attributed to that PR, so unattributed in this window.
  {
    day: '2026-07-06',
    hour: 16,
    id: 'b1',
    actor: 'bo@acme.test',
    session: 's6',
    repo: REPO,
    branch: 'feat/late',
    cost: '0.75',
    tokens: { input: 10 },
    to: 'none',
  },
  {
    day: '2026-07-03',
    hour: 9,
    id: 'b2',
    actor: 'bo@acme.test',
    session: 's7',
    cost: '2',
    tokens: { input: 10 },
    to: { rest: 'bo' },
  },
  {
    day: '2026-07-03',
    id: 'x1',
    actor: 'dan@elsewhere.test',
    cost: '0.4',
    tokens: { input: 10 },
    to: 'none',
  },
  { day: '2026-07-03', id: 'k1', key: 'k-bot', cost: '5', tokens: { input: 10 }, to: 'none' },
];

const PERSON: Record<string, string> = { 'ana@acme.test': 'ana', 'bo@acme.test': 'bo', 'cy@acme.test': 'cy' };

/** Expected dollars per PR in the window, worked out from SPEND's destinations and the PRs' points. */
function expected(): Map<string, { session: Decimal; fallback: Decimal }> {
  const inWindow = PRS.filter((p) => p.day >= W.since && p.day < W.until);
  const out = new Map(inWindow.map((p) => [p.id, { session: new Decimal(0), fallback: new Decimal(0) }]));
  for (const s of SPEND) {
    if (s.to === 'none') continue;
    if ('pr' in s.to) {
      const e = out.get(s.to.pr);
      if (e) e.session = e.session.plus(s.cost);
      continue;
    }
    const person = s.to.rest;
    const mine = inWindow.filter((p) => p.actor !== null && PERSON[p.actor] === person);
    const points = mine.reduce((n, p) => n + p.points, 0);
    for (const p of mine) {
      const e = out.get(p.id);
      if (e) e.fallback = e.fallback.plus(new Decimal(s.cost).times(p.points).div(points));
    }
  }
  return out;
}

let db: Db;
beforeAll(async () => {
  db = await buildStore(
    ORG,
    SPEND.map((s) => usage(s)),
    PRS.map((p) => outcome({ ...p, repo: 'github.com/acme/api' })),
  );
});
afterAll(() => db.close());

const ctx = () => context(db, W.since, W.until);

describe('cost per PR: session → branch → PR first, then person × period', () => {
  it('gives each PR its sessions’ spend and its author’s remaining spend by points, with the evidence', async () => {
    const rows = await db.query(
      `SELECT ref, CAST(session_cost AS VARCHAR) AS session, CAST(person_period_cost AS VARCHAR) AS fallback, cost_evidence
       FROM ${ATTRIBUTED_PRS} ORDER BY ref`,
      W,
    );
    const want = expected();
    expect(rows.map((r) => r.ref)).toEqual([...want.keys()].sort());
    for (const r of rows) {
      const e = want.get(String(r.ref));
      expect(
        new Decimal(String(r.session))
          .minus(e?.session ?? 0)
          .abs()
          .toNumber(),
        String(r.ref),
      ).toBeLessThan(1e-9);
      expect(
        new Decimal(String(r.fallback))
          .minus(e?.fallback ?? 0)
          .abs()
          .toNumber(),
        String(r.ref),
      ).toBeLessThan(1e-9);
      const evidence = [e?.session.gt(0) ? 'session' : null, e?.fallback.gt(0) ? 'person_period' : null]
        .filter(Boolean)
        .join('+');
      expect(r.cost_evidence, String(r.ref)).toBe(evidence || 'none');
    }
  });

  it('never counts a dollar twice: attributed ≤ spend, and Σ PRs + unattributed = spend to the cent', async () => {
    const [row] = await db.query(
      `SELECT CAST(sum(pr_cost) AS VARCHAR) AS attributed, CAST(${spendTotal()} AS VARCHAR) AS spend FROM ${ATTRIBUTED_PRS}`,
      W,
    );
    const spend = SPEND.reduce((n, s) => n.plus(s.cost), new Decimal(0));
    const unattributed = SPEND.filter((s) => s.to === 'none').reduce(
      (n, s) => n.plus(s.cost),
      new Decimal(0),
    );
    const attributed = new Decimal(String(row?.attributed));
    expect(new Decimal(String(row?.spend)).toFixed(10)).toBe(spend.toFixed(10));
    expect(attributed.lte(spend)).toBe(true);
    expect(attributed.plus(unattributed).toFixed(2)).toBe(spend.toFixed(2));
    // Exactly, not only to the cent: the last PR of each person takes the rounding of the split.
    expect(attributed.toFixed(10)).toBe(spend.minus(unattributed).toFixed(10));
  });

  it('shows the per-PR figure and the share found by session in effectiveness.cost_per_merged_pr', async () => {
    const t = await costPerMergedPr(ctx(), null);
    const want = [...expected().values()];
    const total = want.reduce((n, e) => n.plus(e.session).plus(e.fallback), new Decimal(0));
    const session = want.reduce((n, e) => n.plus(e.session), new Decimal(0));
    const all = t.rows.find((r) => r.key === 'all')?.values;
    // Money is decimal text (to 10 places, as the metric divides it), never a float.
    expect(typeof all?.attributed_per_pr).toBe('string');
    expect(Number(all?.attributed_per_pr)).toBeCloseTo(total.div(want.length).toNumber(), 9);
    expect(all?.session_share).toBeCloseTo(session.div(total).toNumber(), 9);
    // The same session dollars, with the PRs' own window, are what the weekly and the coverage report.
    const share = await prSpendBySession(ctx());
    expect(share.bySession.toFixed(10)).toBe(session.toFixed(10));
    expect(share.attributed.toFixed(10)).toBe(total.toFixed(10));
    const cover = await evidenceCoverage(ctx());
    const pr = cover.rows.find((r) => r.key === 'pr')?.values;
    // ledger_prs counts session spend in the window, including that on P5, merged after it.
    const onLate = SPEND.filter((x) => x.to === 'none' && x.branch === 'feat/late').reduce(
      (n, x) => n.plus(x.cost),
      new Decimal(0),
    );
    expect(new Decimal(String(pr?.cost)).toFixed(10)).toBe(session.plus(onLate).toFixed(10));
    // Where sessions were attributed, nothing the metric or its catalog entry prints calls PR attribution
    // missing, and every file it names for reading is in the repository.
    const text = [
      JSON.stringify(findMetric('coverage.evidence_levels')),
      ...cover.notes,
      ...cover.rows.map((r) => String(r.values.evidence)),
    ].join('\n');
    expect(text).not.toMatch(/not (available|built)/i);
    const files = [...text.matchAll(/[\w./-]+\.md\b/g)].map((m) => m[0]);
    for (const file of files) expect(existsSync(new URL(`../../${file}`, import.meta.url)), file).toBe(true);
    expect(String(pr?.evidence)).toMatch(/session → branch → PR \(level 2\), \d+ PRs/);
  });
});

describe('cycle time with review timing', () => {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  it('medians of opened → first review, opened → approval and first review → merge', async () => {
    const inWindow = PRS.filter((p) => p.day < W.until && p.reviewedHoursBefore !== undefined);
    const opened = (p: PrSpec) => p.openedHoursBefore ?? 0;
    const t = await cycleTime(ctx(), null);
    expect(t.rows.find((r) => r.key === 'all')?.values).toMatchObject({
      to_first_review_hours: median(inWindow.map((p) => opened(p) - (p.reviewedHoursBefore ?? 0))),
      to_approval_hours: median(inWindow.map((p) => opened(p) - (p.approvedHoursBefore ?? 0))),
      review_to_merge_hours: median(inWindow.map((p) => p.reviewedHoursBefore ?? 0)),
      reviewed_prs: inWindow.length,
    });
  });
});
