import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOver, demoStore, type DemoStore } from '../../test/support/demo-store.js';
import { addDays } from '../domain/time.js';
import { dataExtent } from '../metrics/spend.js';
import { createToken } from './tokens.js';

let demo: DemoStore;
let text = '';
let admin = '';
let server: ReturnType<typeof apiOver>;

/** The samples of one gauge: label set → value. */
function samples(name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}\\{(.*)\\} (\\S+)$`).exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out.set(m[1], m[2]);
  }
  return out;
}

beforeAll(async () => {
  demo = await demoStore();
  // Teams of the demo under 4 people fold into "other" for an org-wide viewer.
  server = apiOver(demo.db, demo.directory, { individuals: 'hidden', minGroupSize: 4 });
  admin = (await createToken(demo.db, { role: 'admin', teams: null, name: 'scraper' })).token;
  const res = await server.app.request('/metrics', { headers: { authorization: `Bearer ${admin}` } });
  expect(res.status).toBe(200);
  text = await res.text();
}, 120_000);
afterAll(async () => demo?.close());

describe('/metrics business series', () => {
  it('gives spend by team, tool and model that each add up to the same whole, exactly', () => {
    const totals = ['team', 'tool', 'model'].map((d) =>
      [...samples(`mileage_spend_usd_by_${d}`).values()].reduce((t, v) => t.plus(v), new Decimal(0)),
    );
    expect(totals[0]?.isZero()).toBe(false);
    expect(totals[1]?.equals(totals[0] ?? 0)).toBe(true);
    expect(totals[2]?.equals(totals[0] ?? 0)).toBe(true);
    expect(samples('mileage_tokens_by_model').size).toBeGreaterThan(1);
  });

  it('sums, in every dimension, to spend.total over the same window (the 28 days ending with the data)', async () => {
    const extent = await dataExtent({ db: demo.db });
    if (!extent) throw new Error('the demo store has data');
    const since = addDays(extent.last, -27);
    const until = addDays(extent.last, 1);
    const res = await server.app.request(
      `/api/v1/metrics/spend.total?by=tool&since=${since}&until=${until}`,
      {
        headers: { authorization: `Bearer ${admin}` },
      },
    );
    expect(res.status).toBe(200);
    const { table } = (await res.json()) as {
      table: { window: { since: string; until: string }; rows: { values: { cost: string | null } }[] };
    };
    expect(table.window).toEqual({ since, until });
    const total = table.rows.reduce((t, r) => t.plus(r.values.cost ?? 0), new Decimal(0));
    expect(total.isZero()).toBe(false);
    for (const d of ['team', 'tool', 'model']) {
      const series = [...samples(`mileage_spend_usd_by_${d}`).values()].reduce(
        (t, v) => t.plus(v),
        new Decimal(0),
      );
      expect(series.toFixed(), d).toBe(total.toFixed());
    }
  });

  it('labels coverage by level, shares summing to one', () => {
    const shares = [...samples('mileage_spend_coverage_share').values()].map(Number);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('names no person and no group below the minimum size', () => {
    for (const p of demo.directory.people) expect(text).not.toContain(p.name);
    const teams = [...samples('mileage_spend_usd_by_team').keys()].map((k) => /team="([^"]*)"/.exec(k)?.[1]);
    const sizes = new Map(demo.directory.teams.map((t) => [t.name, 0]));
    for (const p of demo.directory.people) {
      const name = demo.directory.teams.find((t) => t.id === p.team)?.name;
      if (name) sizes.set(name, (sizes.get(name) ?? 0) + 1);
    }
    for (const t of teams) {
      if (t === undefined || !sizes.has(t)) continue; // "other", "unattributed"
      expect(sizes.get(t) ?? 0, t).toBeGreaterThanOrEqual(4);
    }
  });
});
