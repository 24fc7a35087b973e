import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANTED, generateDemo, type DemoManifest } from '../src/demo/index.js';
import { loadExperiments } from '../src/governance/experiment-file.js';
import { experimentResult, type ExperimentResult } from '../src/governance/experiment-result.js';
import { loadDemo } from '../src/demo/load.js';
import { loadOrgFile } from '../src/org/load.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { openStore } from '../src/store/open.js';

/**
 * The bars of the experiment the demo plants (issue 22): on the demo, two treatment teams whose delivery rises
 * against a control team over three sprints, the verdict is "met" with the interval of the difference
 * excluding zero; on the control variant (the same demo, no lift) it is not. And the difference in
 * differences and its bootstrap interval equal a plain computation made here from the demo's raw files — the
 * GitHub pull-request pages and mileage.yaml — following docs/experiments.md, without Mileage's code.
 */

const SIZE = { seed: 7, engineers: 10, months: 3, end: '2026-11-16' };
const TODAY = '2026-12-07';
const THROUGHPUT = 'delivery.throughput_per_engineer';

interface Loaded {
  manifest: DemoManifest;
  result: ExperimentResult;
  /** The same experiment judged on epic lead time alone (the seeds' end-to-end speed metric). */
  epics: ExperimentResult;
}

let root: string;
const loaded = new Map<string, Loaded>();

async function load(label: string, lift: number): Promise<Loaded> {
  const manifest = await generateDemo(
    { ...SIZE, effects: { ...PLANTED, experimentLift: lift } },
    join(root, label),
  );
  const org = await loadOrgFile(manifest.orgFile);
  if (!org.ok) throw new Error(`demo org file invalid: ${JSON.stringify(org.error)}`);
  const db = await openStore(':memory:');
  try {
    await loadDemo(db, manifest, org.value, new PriceBook(org.value.priceOverrides));
    const experiments = await loadExperiments(manifest.orgFile);
    if (!experiments.ok) throw new Error(JSON.stringify(experiments.error));
    const [experiment] = experiments.value;
    if (!experiment) throw new Error('the demo plants no experiment');
    const inputs = { db, privacy: org.value.privacy, viewer: { role: 'viewer' as const }, today: TODAY };
    const result = await experimentResult(experiment, inputs);
    const [first] = experiment.metrics;
    if (!first) throw new Error('the planted experiment has no metric');
    const onEpics = { ...experiment, metrics: [{ ...first, metric: 'effectiveness.epic_lead_time' }] };
    const epics = await experimentResult(onEpics, inputs);
    return { manifest, result, epics };
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mileage-experiment-'));
  loaded.set('planted', await load('planted', PLANTED.experimentLift));
  loaded.set('control', await load('control', 1));
}, 240_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const get = (label: string) => loaded.get(label) as Loaded;

// ---- The plain computation, from the raw files -------------------------------------------------------------

interface OrgYaml {
  time_zone: string;
  teams: { id: string }[];
  people: { id: string; team: string; logins: string[] }[];
  experiments: {
    treatment: string[];
    control: string[];
    sprint_weeks: number;
    baseline: { from: string; sprints: number };
    test: { from: string; sprints: number };
  }[];
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The Monday of the week of an instant, as a day in the org's time zone. */
function mondayOf(instant: string, timeZone: string): string {
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
  const dow = new Date(`${local}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(local, -((dow + 6) % 7));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

interface Plain {
  treatmentRelative: number;
  controlRelative: number;
  did: number;
  low: number;
  high: number;
}

/**
 * Throughput per engineer by hand: merged PRs of each group's people per week (the demo's GitHub pages,
 * authors mapped to teams by their logins in mileage.yaml), over the group's headcount. A group's level over a
 * window is its merged PRs ÷ (engineers × weeks); the difference is the treatment's relative change minus
 * the control's; the interval is the 5th and 95th percentiles of 2,000 resamples of whole weeks (baseline
 * weeks drawn first, then test weeks, each uniformly with replacement, from mulberry32 seeded with 1).
 */
async function plainThroughput(manifest: DemoManifest): Promise<Plain> {
  const org = parse(await readFile(manifest.orgFile, 'utf8')) as OrgYaml;
  const exp = org.experiments[0] as OrgYaml['experiments'][number];
  const teamOfLogin = new Map(org.people.flatMap((p) => p.logins.map((l) => [l, p.team] as const)));
  const headcount = (teams: string[]) => org.people.filter((p) => teams.includes(p.team)).length;
  const prs = new Map<string, number>(); // `${team}|${monday}` → merged PRs
  for (const f of manifest.files.filter((x) => x.kind === 'github-pulls')) {
    const pulls = JSON.parse(await readFile(f.path, 'utf8')) as {
      mergedAt: string | null;
      author: { login: string } | null;
    }[];
    for (const pr of pulls) {
      const team = pr.author ? teamOfLogin.get(pr.author.login) : undefined;
      if (!pr.mergedAt || !team) continue;
      const key = `${team}|${mondayOf(pr.mergedAt, org.time_zone)}`;
      prs.set(key, (prs.get(key) ?? 0) + 1);
    }
  }
  const weeks = (from: string, sprints: number) =>
    Array.from({ length: sprints * exp.sprint_weeks }, (_, i) => addDays(from, 7 * i));
  const baseline = weeks(exp.baseline.from, exp.baseline.sprints);
  const test = weeks(exp.test.from, exp.test.sprints);
  const weekPrs = (teams: string[], week: string) =>
    teams.reduce((a, t) => a + (prs.get(`${t}|${week}`) ?? 0), 0);
  const group = (teams: string[]) => ({
    engineers: headcount(teams),
    baseline: baseline.map((w) => weekPrs(teams, w)),
    test: test.map((w) => weekPrs(teams, w)),
  });
  const t = group(exp.treatment);
  const c = group(exp.control);
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  const rate = (weeklyPrs: number[], engineers: number) => sum(weeklyPrs) / (engineers * weeklyPrs.length);
  const relChange = (g: typeof t, b: number[], a: number[]) =>
    rate(a, g.engineers) / rate(b, g.engineers) - 1;

  const treatmentRelative = relChange(t, t.baseline, t.test);
  const controlRelative = relChange(c, c.baseline, c.test);
  const rand = mulberry32(1);
  const draws: number[] = [];
  for (let r = 0; r < 2000; r++) {
    const bi = baseline.map(() => Math.floor(rand() * baseline.length));
    const ti = test.map(() => Math.floor(rand() * test.length));
    const pick = (xs: number[], idx: number[]) => idx.map((i) => xs[i] as number);
    draws.push(
      relChange(t, pick(t.baseline, bi), pick(t.test, ti)) -
        relChange(c, pick(c.baseline, bi), pick(c.test, ti)),
    );
  }
  return {
    treatmentRelative,
    controlRelative,
    did: treatmentRelative - controlRelative,
    low: percentile(draws, 0.05),
    high: percentile(draws, 0.95),
  };
}

// ---- The bars -------------------------------------------------------------------------------------------------

describe('the experiment planted in the demo', () => {
  it('can be judged on epic lead time: each team-week reads the epics done that week, weighed by them', () => {
    const [metric] = get('planted').epics.metrics;
    expect(metric?.metric).toBe('effectiveness.epic_lead_time');
    expect(metric?.sampleUnit).toBe('epics done');
    const weeks = metric?.teamWeeks.filter((w) => w.weight > 0) ?? [];
    expect(weeks.length).toBeGreaterThan(0);
    for (const w of weeks) {
      expect(w.sample).toBe(w.weight);
      expect(w.value).toBeGreaterThan(0);
    }
  });

  it('is met, with the interval of the difference excluding zero', () => {
    const r = get('planted').result;
    expect(r.status).toBe('finished');
    expect(r.overall.verdict, r.overall.reason).toBe('met');
    const throughput = r.metrics.find((m) => m.metric === THROUGHPUT);
    expect(throughput?.verdict.verdict).toBe('met');
    expect(throughput?.estimate.intervals.didRelative?.low).toBeGreaterThan(0);
    // Every metric judged on enough weeks and merged PRs: the verdict is not a small-sample accident.
    for (const m of r.metrics) expect(m.verdict.verdict, `${m.metric}: ${m.verdict.reason}`).toBe('met');
    // The AI spend of the treatment during the test stands beside the result, exact and non-zero.
    expect(r.spend?.treatment.test.greaterThan(0)).toBe(true);
    expect(r.headline).toMatch(
      /^PR throughput per engineer \+\d+\.\d% at \$[\d,]+ of AI spend; control [+-]?\d+\.\d%$/,
    );
  });

  it('is not met on the control variant, where the treatment teams get no lift', () => {
    const r = get('control').result;
    expect(['inconclusive', 'not_met']).toContain(r.overall.verdict);
    const throughput = r.metrics.find((m) => m.metric === THROUGHPUT);
    expect(['inconclusive', 'not_met']).toContain(throughput?.verdict.verdict);
    expect(throughput?.verdict.reason).not.toBe('');
  });

  it.each(['planted', 'control'])(
    '%s: the difference and its interval equal a plain computation from the raw files',
    async (label) => {
      const { manifest, result } = get(label);
      const plain = await plainThroughput(manifest);
      const m = result.metrics.find((x) => x.metric === THROUGHPUT);
      expect(m?.estimate.treatment.relative).toBeCloseTo(plain.treatmentRelative, 10);
      expect(m?.estimate.control.relative).toBeCloseTo(plain.controlRelative, 10);
      expect(m?.estimate.did.relative).toBeCloseTo(plain.did, 10);
      expect(m?.estimate.intervals.didRelative?.low).toBeCloseTo(plain.low, 10);
      expect(m?.estimate.intervals.didRelative?.high).toBeCloseTo(plain.high, 10);
    },
  );
});
