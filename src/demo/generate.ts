import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { reportFiles, UsageBook } from './anthropic-reports.js';
import {
  ALERTS_PER_DAY,
  OUTCOMES_HEADER,
  PER_ALERT,
  PER_REVIEW,
  REVIEWS_PER_WORKDAY,
  TICKETS_PER_DAY,
  WEEKEND,
  alertModel,
  batchTokens,
  outcomeRow,
  supportDay,
  supportModel,
} from './bots.js';
import { makeCalendar, position, type Calendar } from './calendar.js';
import { sessionLength, writeSession, type Profile } from './claude-code.js';
import { cursorEvent, cursorFiles } from './cursor.js';
import { deliveryCurve, finishPrs, schedulePrs, type Pr } from './delivery.js';
import { experimentYaml, isTreatment, treatmentLift } from './experiment.js';
import type { DemoEffects, DemoFileKind, DemoManifest, DemoOptions, DemoTruth } from './options.js';
import {
  GATEWAY_STREAM,
  TEAMS,
  WS_CODE,
  WS_PROD,
  botKeys,
  makePeople,
  orgYaml,
  type DemoPerson,
} from './org.js';
import { BILLED_FACTOR, approxCost, type AnthropicModel } from './prices.js';
import { makeRng, type Rng } from './rng.js';
import {
  REQUESTS_PER_WORKDAY,
  heavyOpusShare,
  isRamped,
  opusShareCurve,
  planSpend,
  requestCost,
  type Engineer,
} from './spend-plan.js';
import { githubFiles, jiraFiles } from './tracker-files.js';

export type DemoFile = { kind: DemoFileKind | 'org'; text: string };

/** The demo in memory: path (relative to the output directory) → content, and what was planted. */
export interface DemoContent {
  files: Map<string, DemoFile>;
  truth: DemoTruth;
}

const COPILOT_PRICE = 19;
const CURSOR_PRICE = 40;
const VARIANCE_DAYS = 84;

/** The team the heavy engineer is picked from: the first with at least six people, else the largest. */
function heavyTeam(people: DemoPerson[]): string {
  const sizes = TEAMS.map((t) => ({ id: t.id, n: people.filter((p) => p.team === t.id).length }));
  return (sizes.find((s) => s.n >= 6) ?? [...sizes].sort((a, b) => b.n - a.n)[0])?.id ?? 'payments';
}

/** The candidate whose merged PRs over the last twelve weeks are closest to the median of the team. */
function medianMember(
  candidates: DemoPerson[],
  team: DemoPerson[],
  prs: Pr[],
  cal: Calendar,
): DemoPerson | undefined {
  const since = cal.days.length - Math.min(VARIANCE_DAYS, cal.days.length);
  const count = (p: DemoPerson) =>
    prs.filter((pr) => pr.author === p && pr.mergedDay !== null && pr.mergedDay >= since).length;
  const counts = team.map(count).sort((a, b) => a - b);
  const mid = Math.floor(counts.length / 2);
  const median = counts.length % 2 ? (counts[mid] ?? 0) : ((counts[mid - 1] ?? 0) + (counts[mid] ?? 0)) / 2;
  return [...candidates].sort(
    (a, b) => Math.abs(count(a) - median) - Math.abs(count(b) - median) || a.id.localeCompare(b.id),
  )[0];
}

function pickSpikeDay(cal: Calendar, rng: Rng): number {
  const n = cal.days.length;
  const candidates: number[] = [];
  for (let d = Math.max(0, n - 24); d < n - 5; d++) if (!cal.weekend[d]) candidates.push(d);
  return candidates.length ? rng.pick(candidates) : n - 3;
}

/** Builds every file of the demo in memory. Pure: the same options give the same bytes. */
export function buildDemo(o: DemoOptions): DemoContent {
  const e: DemoEffects = o.effects;
  const root = makeRng(o.seed);
  const cal = makeCalendar(o.end, o.months);
  const people = makePeople(Math.max(4, o.engineers), root.fork('people'));
  const keys = botKeys(root.fork('keys'));
  const ramped = isRamped(e);

  // Habits: how much each person leans on the agent, how fast they ship, when they started using it.
  const habits = root.fork('habits');
  // Clamped so that, with nothing planted, nobody's spend per PR strays to 2x a teammate's by habit alone.
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  const factor = new Map(people.map((p) => [p.id, clamp(habits.lognormal(1, 0.15), 0.75, 1.35)]));
  const productivity = new Map(people.map((p) => [p.id, clamp(habits.lognormal(1, 0.08), 0.88, 1.12)]));
  const adoptedAt = new Map(
    people.map((p) => [p.id, ramped && habits.chance(0.5) ? habits.between(0.05, 0.45) : 0]),
  );

  // Delivery: each engineer's PRs, then who is who among them.
  // The planted experiment lifts its treatment teams; the org curve is solved with that lift in it.
  const lift = treatmentLift(cal, e.experimentLift);
  const treated = people.filter((p) => isTreatment(p.team)).length / people.length;
  const curve = deliveryCurve(
    cal,
    e.deliveryGrowth,
    lift.map((x) => 1 + treated * (x - 1)),
  );
  const prs: Pr[] = [];
  const active = new Map<string, Pr[][]>();
  for (const p of people) {
    const s = schedulePrs(
      p,
      productivity.get(p.id) ?? 1,
      curve,
      cal,
      root.fork(`prs:${p.id}`),
      isTreatment(p.team) ? lift : [],
    );
    prs.push(...s.prs);
    active.set(p.id, s.active);
  }
  const members = (team: string) => people.filter((p) => p.team === team);
  const withoutLogs = ['data', 'platform']
    .map((t) => members(t).at(-1))
    .filter((p): p is DemoPerson => p !== undefined && members(p.team).length >= 3);
  const noLogs = new Set(withoutLogs.map((p) => p.id));
  const team = members(heavyTeam(people));
  const heavy = medianMember(
    team.filter((p) => !noLogs.has(p.id)),
    team,
    prs,
    cal,
  ) as DemoPerson;
  const spikeTeam = TEAMS.map((t) => t.id).find((t) => t !== heavy.team && t === 'platform') ?? 'data';
  const spiker = e.spike
    ? (medianMember(
        members(spikeTeam).filter((p) => !noLogs.has(p.id) && p !== heavy),
        members(spikeTeam),
        prs,
        cal,
      ) ?? null)
    : null;
  // The planted multiple is against the team's typical habit, not against 1.
  const habit = team
    .filter((p) => p !== heavy)
    .map((p) => factor.get(p.id) ?? 1)
    .sort((a, b) => a - b);
  factor.set(heavy.id, e.userVariance * (habit[Math.floor(habit.length / 2)] ?? 1));
  adoptedAt.set(heavy.id, 0);
  if (spiker) adoptedAt.set(spiker.id, 0);
  finishPrs(
    prs,
    cal,
    {
      reworkRising: e.reworkRise,
      adoptedAt: (p) => adoptedAt.get(p.id) ?? 0,
      opusShare: opusShareCurve(e),
      teammates: (p) => members(p.team).filter((m) => m !== p),
    },
    root.fork('pr-details'),
  );

  // Spend plan: the volume curve that makes spend grow as planted.
  const frontend = members('frontend');
  const seatsPerDay = cal.monthDays.map(
    (n) => (people.length * COPILOT_PRICE + frontend.length * CURSOR_PRICE) / n,
  );
  const spikeDay = spiker ? pickSpikeDay(cal, root.fork('spike')) : null;
  const engineers: Engineer[] = people.map((p) => ({
    adoptedAt: adoptedAt.get(p.id) ?? 0,
    factor: factor.get(p.id) ?? 1,
  }));
  const plan = planSpend(cal, e, engineers, seatsPerDay, spikeDay);

  const files = new Map<string, DemoFile>();
  files.set('mileage.yaml', { kind: 'org', text: orgYaml(people, keys, experimentYaml(o.end)) });
  const book = new UsageBook(cal);
  const gateway: string[] = [];
  const outcomes = [OUTCOMES_HEADER];
  const cursorEvents: Record<string, unknown>[] = [];
  const support = supportModel(e.unpriced);
  const alerts = alertModel(e.modelFit);
  const spend = root.fork('spend');
  const bots = root.fork('bots');
  const cursorRng = root.fork('cursor');
  const logs = new Map<string, string>();
  const addFiles = (out: { files: { path: string; text: string }[] }) => {
    for (const f of out.files) logs.set(f.path, f.text);
  };

  cal.days.forEach((day, d) => {
    const t = position(cal, d);
    const v = plan.volume[d] ?? 1;
    const weekend = cal.weekend[d] ?? false;
    const dayMs = cal.dayMs[d] ?? 0;
    let dayList = 0; // list cost of the day's Anthropic usage, to size the spike

    // Bots.
    const nAlerts = bots.poisson(ALERTS_PER_DAY * v * (weekend ? WEEKEND.alerts : 1));
    const alertTokens = batchTokens(nAlerts, PER_ALERT, bots);
    if (nAlerts) book.add(d, keys.alertTriage, WS_PROD, alerts, alertTokens);
    dayList += approxCost(alerts, alertTokens);
    const nReviews = bots.poisson(REVIEWS_PER_WORKDAY * v * (weekend ? WEEKEND.reviews : 1));
    const reviewTokens = batchTokens(nReviews, PER_REVIEW, bots);
    if (nReviews) book.add(d, keys.ciReview, WS_PROD, 'claude-sonnet-4-6', reviewTokens);
    dayList += approxCost('claude-sonnet-4-6', reviewTokens);
    const s = supportDay(
      day,
      TICKETS_PER_DAY * v * (weekend ? WEEKEND.tickets : 1),
      support,
      GATEWAY_STREAM,
      bots,
    );
    gateway.push(...s.lines);
    const gatewayCost = e.unpriced ? 0 : approxCost('gpt-4.1-mini', s.tokens);
    if (nAlerts) outcomes.push(outcomeRow(day, 'alert-triage', 'alert_triaged', nAlerts));
    if (nReviews) outcomes.push(outcomeRow(day, 'ci-review', 'review_posted', nReviews));
    const resolved = Math.round(s.tickets * 0.92);
    if (resolved) outcomes.push(outcomeRow(day, 'support-triage', 'ticket_resolved', resolved));

    // Engineers' Claude Code sessions, on the branch of a PR they have open that day.
    const opusShare = plan.opusShare(t);
    const session = (p: DemoPerson, requests: number, profile: Profile) => {
      const loop = profile === 'loop';
      const open = active.get(p.id)?.[d] ?? [];
      const pr = open.length && !spend.chance(loop ? 0 : 0.08) ? spend.pick(open) : null;
      const share = profile === 'heavy' ? heavyOpusShare(opusShare) : opusShare;
      const model: AnthropicModel = loop || spend.chance(share) ? 'claude-opus-4-6' : 'claude-sonnet-4-6';
      const startMs =
        dayMs + (loop ? 12.5 : 13 + 1 / 12) * 3_600_000 + spend.int((loop ? 7.5 : 6.4) * 3_600_000);
      const out = writeSession(
        {
          person: p,
          repo: pr?.repo ?? spend.pick(p.repos),
          branch: pr?.branch ?? 'main',
          sessionId: spend.uuid(),
          version: `2.1.${Math.max(100, 140 + Math.floor(t * 90) - (p.id.length % 7))}`,
          model,
          startMs,
          requests,
          profile,
          subagent: !loop && spend.chance(0.05),
        },
        spend,
        (ms, m, tokens) => {
          book.add(book.dayOf(ms), p.keyId, WS_CODE, m, tokens);
          dayList += approxCost(m, tokens);
        },
      );
      if (!noLogs.has(p.id)) addFiles(out);
    };
    // The heavy user's sessions cost more each (bigger contexts, more Opus): fewer of them reach the
    // planted multiple of their peers' spend.
    const heavyCost = requestCost(opusShare) / requestCost(heavyOpusShare(opusShare), 'heavy');
    for (const p of people) {
      if (t < (adoptedAt.get(p.id) ?? 0)) continue;
      if (weekend && !spend.chance(0.06)) continue;
      const profile: Profile = p === heavy && e.userVariance > 1.5 ? 'heavy' : 'normal';
      const perCost = profile === 'heavy' ? heavyCost : 1;
      const mean = REQUESTS_PER_WORKDAY * v * (factor.get(p.id) ?? 1) * perCost * (weekend ? 0.4 : 1);
      let requests = spend.poisson(mean);
      while (requests > 0) {
        const n = Math.min(requests, sessionLength(spend));
        session(p, n, profile);
        requests -= n;
      }
    }
    if (d === spikeDay && spiker) {
      // A runaway agent loop: four normal days' worth of spend on top of the day, in long fast sessions.
      const normal = Number(BILLED_FACTOR) * dayList + gatewayCost + (seatsPerDay[d] ?? 0);
      const target = dayList + (4 * normal) / Number(BILLED_FACTOR);
      while (dayList < target) session(spiker, 150 + spend.int(150), 'loop');
    }
    // Cursor, for the frontend team.
    if (!weekend) {
      for (const p of frontend)
        for (let k = cursorRng.poisson(5 + 4 * v); k > 0; k--)
          cursorEvents.push(cursorEvent(p, dayMs, cursorRng));
    }
  });

  for (const [path, text] of logs) files.set(path, { kind: 'claude-code-log', text });
  const add = (kind: DemoFileKind, m: Map<string, string>) => {
    for (const [path, text] of m) files.set(path, { kind, text });
  };
  for (const [path, text] of reportFiles(book, cal))
    files.set(path, {
      kind: path.includes('usage-report') ? 'anthropic-usage-report' : 'anthropic-cost-report',
      text,
    });
  add(
    'cursor-usage-events',
    cursorFiles(cursorEvents, [cal.dayMs[0] ?? 0, (cal.dayMs.at(-1) ?? 0) + 86_400_000]),
  );
  files.set('gateway/records.jsonl', { kind: 'gateway-records', text: gateway.join('\n') + '\n' });
  add('github-pulls', githubFiles(prs, root.fork('github')));
  add('jira-search', jiraFiles(prs, root.fork('jira')));
  files.set('outcomes/outcomes.csv', { kind: 'outcomes-csv', text: outcomes.join('\n') + '\n' });

  return {
    files,
    truth: {
      heavyEngineer: heavy.id,
      topWorkloadKey: topKey(book, cal),
      spikeDay: spikeDay === null ? null : (cal.days[spikeDay] ?? null),
      spikeEngineer: spiker?.id ?? null,
      unpricedModel: e.unpriced ? support.model : null,
      withoutLogs: withoutLogs.map((p) => p.id),
      start: cal.start,
      end: cal.end,
    },
  };
}

/** The key that spent the most (list price) over the whole period. */
function topKey(book: UsageBook, cal: Calendar): string {
  const byKey = new Map<string, number>();
  cal.days.forEach((_, d) => {
    for (const r of book.rows(d)) byKey.set(r.key, (byKey.get(r.key) ?? 0) + approxCost(r.model, r.tokens));
  });
  return [...byKey.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
}

/** The folders and the org file the demo writes: the only things replaced in an existing output directory. */
const OUTPUTS = ['mileage.yaml', 'claude', 'anthropic', 'cursor', 'gateway', 'github', 'jira', 'outcomes'];

/**
 * Writes the demo under `outDir` (replacing an earlier demo's files there, nothing else) and returns what it
 * wrote, with paths the ingesters can read.
 */
export function generateDemo(o: DemoOptions, outDir: string): Promise<DemoManifest> {
  try {
    const { files, truth } = buildDemo(o);
    for (const name of OUTPUTS) rmSync(join(outDir, name), { recursive: true, force: true });
    const manifest: DemoManifest = { dir: outDir, orgFile: join(outDir, 'mileage.yaml'), files: [], truth };
    for (const dir of new Set([...files.keys()].map((p) => dirname(join(outDir, p)))))
      mkdirSync(dir, { recursive: true });
    // Synchronous writes: thousands of small files go several times faster than awaiting each one.
    for (const [path, { kind, text }] of files) {
      writeFileSync(join(outDir, path), text);
      if (kind !== 'org') manifest.files.push({ kind, path: join(outDir, path) });
    }
    return Promise.resolve(manifest);
  } catch (cause) {
    return Promise.reject(new Error(`could not write the demo to ${outDir}`, { cause }));
  }
}
