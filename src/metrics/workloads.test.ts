import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/db.js';
import { buildStore, context, ORG, usage, type UsageSpec } from './testing/fixture.js';
import { spendByWorkloads } from './workloads.js';

/**
 * Spend by workload in several windows from one statement: each window's list is what that window's rows
 * give, worked out here from the usage (workflow, else shared key, else person's tool, else the stream).
 * Costs differ within a window, so the order does not hang on the ids (a key's is its hash).
 */
const SPEND: (UsageSpec & { workload: string; label: string })[] = [
  { day: '2026-07-01', id: 'a1', actor: 'ana@acme.test', cost: '3.5', model: 'claude-opus-4-1' },
  { day: '2026-07-06', id: 'a2', actor: 'ana@acme.test', cost: '1.25' },
  { day: '2026-07-07', id: 'b1', actor: 'bo@acme.test', cost: '2', tool: 'codex', model: 'gpt-5' },
  { day: '2026-07-02', id: 'k1', key: 'k-bot', cost: '4.75' },
  { day: '2026-07-06', id: 'k2', key: 'k-bot', cost: '0.5' },
  { day: '2026-07-03', id: 'm1', key: 'k-small', cost: '1.1' },
  { day: '2026-07-10', id: 'm2', key: 'k-small', cost: '7' },
  { day: '2026-07-04', id: 's1', cost: '0.3', stream: 'openai:org' },
  // Ana's week of 2026-07-06: Haiku costs more over the week, Sonnet has the costliest single row.
  { day: '2026-07-07', id: 'h1', actor: 'ana@acme.test', cost: '1', model: 'claude-haiku-4-5' },
  { day: '2026-07-08', id: 'h2', actor: 'ana@acme.test', cost: '1', model: 'claude-haiku-4-5' },
  { day: '2026-07-09', id: 'h3', actor: 'ana@acme.test', cost: '1', model: 'claude-haiku-4-5' },
].map((u) => {
  const w = u.key === 'k-bot' ? ['wf-triage', 'Triage'] : u.key ? ['k-small', 'misc-key'] : null;
  const person = u.actor ? u.actor.split('@')[0] : null;
  const names: Record<string, string> = { ana: 'Ana Quill', bo: 'Bo Vance' };
  const tool = u.tool ?? 'claude-code';
  const [workload, label] =
    w ??
    (person ? [`${tool}|${person}`, `${tool} · ${names[person]}`] : [u.stream, `unattributed · ${u.stream}`]);
  return { ...u, tokens: { input: 100 }, workload: String(workload), label: String(label) };
});

let db: Db;
beforeAll(async () => {
  db = await buildStore(ORG, SPEND.map(usage), []);
});
afterAll(() => db.close());

describe('spend by workload in several windows', () => {
  it('gives each window the workloads of its own rows, largest first, with their shares and labels', async () => {
    const windows = [
      { since: '2026-07-01', until: '2026-07-08' },
      { since: '2026-07-06', until: '2026-07-08' },
      { since: '2026-07-09', until: '2026-07-12' },
      { since: '2026-08-01', until: '2026-08-08' },
    ];
    const got = await spendByWorkloads(context(db, '2026-07-01', '2026-07-08'), windows);
    expect(got).toHaveLength(windows.length);
    windows.forEach((w, i) => {
      const rows = SPEND.filter((s) => s.day >= w.since && s.day < w.until);
      const sums = new Map<string, { cost: Decimal; label: string; top: (typeof rows)[number] }>();
      for (const s of rows) {
        const e = sums.get(s.workload);
        if (!e) sums.set(s.workload, { cost: new Decimal(s.cost), label: s.label, top: s });
        else {
          e.cost = e.cost.plus(s.cost);
          if (new Decimal(s.cost).gt(e.top.cost)) e.top = s;
        }
      }
      const total = [...sums.values()].reduce((n, e) => n.plus(e.cost), new Decimal(0));
      const want = [...sums.entries()]
        .sort(([a, x], [b, y]) => y.cost.comparedTo(x.cost) || (a < b ? -1 : 1))
        .map(([, e]) => ({
          label: e.label,
          cost: e.cost.toFixed(10),
          model: e.top.model ?? 'claude-sonnet-4-6',
          share: e.cost.div(total).toNumber(),
        }));
      const list = got[i] ?? [];
      expect(
        list.map((x) => ({
          label: x.label,
          cost: x.cost.toFixed(10),
          model: x.model,
          share: x.share,
        })),
        `${w.since}..${w.until}`,
      ).toEqual(want);
      expect(list.every((x) => x.tokens === 100 * rows.filter((s) => s.label === x.label).length)).toBe(true);
    });
    expect(got[3]).toEqual([]);
  });

  it('over whole weeks (the weekly rollup) still names the model of the costliest day row', async () => {
    const weeks = [
      { since: '2026-06-29', until: '2026-07-13' },
      { since: '2026-07-06', until: '2026-07-13' },
    ];
    const [both = [], second = []] = await spendByWorkloads(context(db, '2026-06-29', '2026-07-13'), weeks);
    const ana = (list: typeof both) => list.find((w) => w.id === 'claude-code|ana');
    expect(ana(second)?.cost.toFixed(2)).toBe('4.25');
    expect(ana(second)?.model).toBe('claude-sonnet-4-6');
    expect(ana(both)?.model).toBe('claude-opus-4-1');
    // The same windows cut at a day that is not a Monday read the daily rows: the same answer.
    const [, days = []] = await spendByWorkloads(context(db, '2026-06-29', '2026-07-13'), [
      { since: '2026-06-29', until: '2026-07-12' },
      { since: '2026-07-06', until: '2026-07-12' },
    ]);
    expect(ana(days)?.model).toBe('claude-sonnet-4-6');
  });

  it("with topOfFirst, keeps the first window's costliest workloads in every list, shares still of the whole window", async () => {
    const windows = [
      { since: '2026-07-01', until: '2026-07-12' },
      { since: '2026-07-06', until: '2026-07-08' },
    ];
    const ctx = context(db, '2026-07-01', '2026-07-12');
    const full = await spendByWorkloads(ctx, windows);
    for (const top of [0, 2, 3, 10]) {
      const got = await spendByWorkloads(ctx, windows, { topOfFirst: top });
      const kept = (full[0] ?? []).slice(0, top);
      expect(got[0], `top ${top}`).toEqual(kept);
      // The second list: the same workloads' figures in that window, each share of all its spend.
      const ids = new Set(kept.map((w) => w.id));
      expect(got[1], `top ${top}`).toEqual((full[1] ?? []).filter((w) => ids.has(w.id)));
    }
  });
});
