import { edgeWindows, position, smoothstep, solve, type Calendar } from './calendar.js';
import { VERBS, WORK_ITEMS, FOLLOW_UP_COMMITS, slug } from './names.js';
import { JIRA_PROJECT, type DemoPerson } from './org.js';
import type { Rng } from './rng.js';

/**
 * The delivery side of the demo: every engineer works through a sequence of PRs. Each PR needs an amount
 * of work (lognormal around a day and a half); each working day yields work at the delivery rate, so PR
 * counts are steady per person and grow with the delivery curve. Sessions later work on the branch of the
 * PR open that day, which is how spend joins PRs.
 */

export type PrKind = 'feature' | 'bug' | 'chore' | 'regression' | 'revert';

export interface Commit {
  oid: string;
  message: string;
  ms: number;
}

export interface Pr {
  author: DemoPerson;
  repo: string;
  /** Day index the work started (negative: before the data starts). */
  openedDay: number;
  openedMs: number;
  /** Null while still open at the end. */
  mergedDay: number | null;
  mergedMs: number | null;
  need: number;
  additions: number;
  deletions: number;
  files: number;
  kind: PrKind;
  number: number;
  title: string;
  branch: string;
  ticket: string | null;
  storyPoints: number | null;
  revertOf: Pr | null;
  reverted: boolean;
  aiTool: 'claude' | 'cursor' | null;
  aiModel: string;
  commits: Commit[];
  mergedBy: string;
}

/** Merged PRs per engineer per working day, on average over the period. */
export const PR_RATE = 0.55;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const FIRST_NUMBER: Record<string, number> = {
  billing: 2140,
  'ledger-api': 870,
  infra: 1515,
  'web-app': 3320,
  'data-pipeline': 640,
};
const FIRST_TICKET = 180;

/**
 * Delivery rate per working day (mean 1 over working days), growing `growth`x edge to edge for the whole org.
 * `orgLift[d]` is the org's average multiplier of day d from elsewhere (a planted experiment's treatment
 * teams): the curve is solved with it, so the org still grows `growth`x.
 */
export function deliveryCurve(cal: Calendar, growth: number, orgLift: readonly number[] = []): number[] {
  const { first, last } = edgeWindows(cal);
  const shape = (k: number) =>
    cal.days.map((_, d) => (cal.weekend[d] ? 0 : Math.exp(k * position(cal, d)) * (orgLift[d] ?? 1)));
  const sum = (xs: number[], idx: number[]) => idx.reduce((a, i) => a + (xs[i] ?? 0), 0);
  const k = solve(
    (x) => {
      const s = shape(x);
      return sum(s, last) / sum(s, first);
    },
    growth,
    -6,
    6,
  );
  const s = cal.days.map((_, d) => (cal.weekend[d] ? 0 : Math.exp(k * position(cal, d))));
  const workdays = s.filter((x) => x > 0);
  const mean = workdays.reduce((a, x) => a + x, 0) / Math.max(1, workdays.length);
  return s.map((x) => x / mean);
}

/** Share of merged PRs that are rework (reverts, regression fixes) at a point of the period. */
export function reworkRate(t: number, rising: boolean): number {
  return rising ? 0.05 + 0.15 * smoothstep(t, 0.12, 0.8) : 0.07;
}

/**
 * One engineer's PRs over the period; `active[d]` lists the PRs open on day d (newest last). `lift[d]`
 * multiplies their rate on day d (a planted experiment's treatment).
 */
export function schedulePrs(
  person: DemoPerson,
  productivity: number,
  curve: number[],
  cal: Calendar,
  rng: Rng,
  lift: readonly number[] = [],
): { prs: Pr[]; active: Pr[][] } {
  const prs: Pr[] = [];
  const active: Pr[][] = cal.days.map(() => []);
  const start = cal.dayMs[0] ?? 0;
  const open = (day: number): Pr => {
    const need = rng.lognormal(0.9, 0.4);
    const lines = Math.max(3, Math.round(rng.lognormal(110, 0.55) * Math.pow(need, 0.7)));
    const additions = Math.round(lines * rng.between(0.55, 0.85));
    const pr: Pr = {
      author: person,
      repo: rng.pick(person.repos),
      openedDay: day,
      openedMs: start + day * DAY + 12 * HOUR + rng.int(HOUR),
      mergedDay: null,
      mergedMs: null,
      need,
      additions,
      deletions: lines - additions,
      files: Math.max(1, Math.round((lines / 45) * rng.between(0.5, 1.5))),
      kind: 'feature',
      number: 0,
      title: '',
      branch: '',
      ticket: null,
      storyPoints: null,
      revertOf: null,
      reverted: false,
      aiTool: null,
      aiModel: 'Claude Sonnet 4.6',
      commits: [],
      mergedBy: '',
    };
    prs.push(pr);
    return pr;
  };
  let current = open(-1 - rng.int(4));
  let progress = rng.next() * current.need;
  cal.days.forEach((_, d) => {
    const list = active[d] as Pr[];
    list.push(current);
    if (cal.weekend[d]) return;
    let gain = PR_RATE * (curve[d] ?? 1) * productivity * (lift[d] ?? 1);
    while (gain >= current.need - progress) {
      gain -= current.need - progress;
      current.mergedDay = d;
      current.mergedMs = start + d * DAY + 20 * HOUR + 45 * 60_000 + rng.int(2.5 * HOUR);
      current = open(d);
      list.push(current);
      progress = 0;
    }
    progress += gain;
  });
  return { prs, active };
}

const storyPoints = (need: number) => (need < 0.5 ? 1 : need < 0.8 ? 2 : need < 1.2 ? 3 : need < 1.8 ? 5 : 8);

/**
 * Gives every PR its kind (rework rising or flat), number, ticket, title, branch, AI markers and commits.
 * `adoptedAt(person)` is the position in the period from which the person uses Claude Code.
 */
export function finishPrs(
  prs: Pr[],
  cal: Calendar,
  opts: {
    reworkRising: boolean;
    adoptedAt: (p: DemoPerson) => number;
    opusShare: (t: number) => number;
    teammates: (p: DemoPerson) => DemoPerson[];
  },
  rng: Rng,
): void {
  const t = (day: number) => position(cal, Math.max(0, day));
  // Numbers and ticket keys follow the order work started in.
  const byOpened = [...prs].sort((a, b) => a.openedMs - b.openedMs || a.author.id.localeCompare(b.author.id));
  const numbers = new Map<string, number>();
  for (const pr of byOpened) {
    const n = numbers.get(pr.repo) ?? FIRST_NUMBER[pr.repo] ?? 100;
    numbers.set(pr.repo, n + 1);
    pr.number = n;
  }
  // Kinds in merge order, so that a revert can only undo a PR merged before it.
  const merged = prs.filter((p) => p.mergedMs !== null).sort((a, b) => (a.mergedMs ?? 0) - (b.mergedMs ?? 0));
  const recent = new Map<string, Pr[]>();
  for (const pr of merged) {
    if (rng.chance(reworkRate(t(pr.mergedDay ?? 0), opts.reworkRising))) {
      const candidates = (recent.get(pr.repo) ?? []).filter(
        (c) => !c.reverted && (c.mergedMs ?? 0) < pr.openedMs && (c.mergedMs ?? 0) > pr.openedMs - 12 * DAY,
      );
      const target = rng.chance(0.45) && candidates.length ? rng.pick(candidates) : null;
      if (target) {
        target.reverted = true;
        pr.kind = 'revert';
        pr.revertOf = target;
        pr.additions = target.deletions;
        pr.deletions = target.additions;
        pr.files = target.files;
      } else pr.kind = 'regression';
    } else {
      const x = rng.next();
      pr.kind = x < 0.55 ? 'feature' : x < 0.83 ? 'bug' : 'chore';
      const list = recent.get(pr.repo) ?? [];
      list.push(pr);
      recent.set(pr.repo, list);
    }
  }
  const tickets = new Map<string, number>();
  for (const pr of byOpened) {
    if (pr.kind === 'revert' || (pr.kind === 'chore' && rng.chance(0.35))) continue;
    const project = JIRA_PROJECT[pr.repo] ?? 'ENG';
    const n = tickets.get(project) ?? FIRST_TICKET;
    tickets.set(project, n + 1);
    pr.ticket = `${project}-${n}`;
    pr.storyPoints = pr.kind === 'chore' && rng.chance(0.5) ? null : storyPoints(pr.need);
  }
  // Titles: reverts last, since they quote the title of what they undo.
  const ordered = [
    ...byOpened.filter((p) => p.kind !== 'revert'),
    ...merged.filter((p) => p.kind === 'revert'),
  ];
  for (const pr of ordered) {
    const target = pr.revertOf;
    if (target) {
      pr.title = `Revert "${target.title}"`;
      pr.branch = `revert-${target.number}-${target.branch}`;
    } else {
      const kind = pr.kind as Exclude<PrKind, 'revert'>;
      pr.title = `${rng.pick(VERBS[kind])} ${rng.pick(WORK_ITEMS[pr.repo] ?? ['the service'])}`;
      const prefix = kind === 'feature' ? 'feat' : kind === 'chore' ? 'chore' : 'fix';
      pr.branch = `${prefix}/${pr.ticket ? `${pr.ticket}-` : ''}${slug(pr.title)}`;
    }
    const opened = t(pr.openedDay);
    if (opened >= opts.adoptedAt(pr.author) && rng.chance(0.85)) {
      pr.aiTool = 'claude';
      pr.aiModel = rng.chance(opts.opusShare(opened)) ? 'Claude Opus 4.6' : 'Claude Sonnet 4.6';
    } else if (pr.author.team === 'frontend' && rng.chance(0.35)) pr.aiTool = 'cursor';
    const mates = opts.teammates(pr.author);
    pr.mergedBy = mates.length ? rng.pick(mates).login : pr.author.login;
    pr.commits = commitsOf(pr, rng);
  }
}

function trailer(pr: Pr): string {
  if (pr.aiTool === 'claude') return `\n\nCo-Authored-By: ${pr.aiModel} <noreply@anthropic.com>`;
  if (pr.aiTool === 'cursor') return '\n\nCo-authored-by: Cursor <cursoragent@cursor.com>';
  return '';
}

function commitsOf(pr: Pr, rng: Rng): Commit[] {
  const end = pr.mergedMs ?? pr.openedMs + 2 * DAY;
  const n = pr.kind === 'revert' ? 1 : Math.min(5, 1 + rng.poisson(1.2));
  const commits: Commit[] = [];
  for (let i = 0; i < n; i++) {
    const ms = Math.round(pr.openedMs + ((end - pr.openedMs - HOUR) * i) / n);
    const first = i === 0;
    const message = pr.revertOf
      ? `${pr.title}\n\nThis reverts commit ${pr.revertOf.commits.at(-1)?.oid ?? rng.hex(40)}.`
      : first
        ? pr.title
        : rng.pick(FOLLOW_UP_COMMITS);
    const marked = pr.aiTool !== null && (first || rng.chance(0.8));
    commits.push({ oid: rng.hex(40), message: marked ? message + trailer(pr) : message, ms });
  }
  return commits;
}
