import { usd, type Usd } from '../domain/money.js';
import type { DayWindow } from '../domain/time.js';

/*
 * Dependency-free apart from money and days, so that the dashboard renders the section from the same
 * definition as the reports (web/src/pages/weekly.ts imports it, with report/week-changes-text.ts).
 */

/** What the comparison reads of a finding (diagnostics/finding.ts `Finding`). */
interface ComparedFinding {
  id: string;
  flag: boolean;
  question: string;
  answer: string;
  evidence: Record<string, string | number>;
  owner?: string;
}

/** What the comparison reads of a report's headline (diagnostics/weekly.ts `Headline`). */
interface HeadlineNumbers {
  spend: Usd;
  mergedPrs: number;
  costPerMergedPr: Usd | null;
  deliveryPoints: number;
  top5Share: number;
  unpricedTokens: number;
}

/**
 * What changed since last Monday, so the reader need not remember last week's report: the same report
 * computed over the same span of weeks ending a week earlier (no stored state), compared with this one.
 */
export interface WeekChanges {
  /** The window last Monday's report covered. */
  previous: DayWindow;
  /** Flagged now and not last week (or flagged then about something else: another day, another session). */
  newFindings: FindingChange[];
  /** Flagged last week, not now: last week's answer. */
  cleared: FindingChange[];
  /** Flagged both weeks about the same thing. */
  stillFlagged: FindingChange[];
  /** Each headline number now and last Monday. */
  headline: HeadlineMove[];
}

export interface FindingChange {
  id: string;
  question: string;
  /** The answer's first sentence (the full answer is in its section). */
  summary: string;
  owner?: string;
}

export type MoveUnit = 'usd' | 'count' | 'share';

export interface HeadlineMove {
  id: string;
  label: string;
  unit: MoveUnit;
  /** Money as decimals (exact strings in JSON), counts and shares as numbers; null: none (no merged PR). */
  before: Usd | number | null;
  after: Usd | number | null;
}

/** What a flagged finding is about: the same id about another day or person is news, not a repeat. */
function subject(f: ComparedFinding): string {
  const e = f.evidence;
  return String(e.day ?? e.largest_session ?? e.person ?? e.workload ?? '');
}

/** The first sentence: decimals and versions ("$1,080.51", "4.6x") are not followed by a space. */
export function firstSentence(text: string): string {
  const m = /^(.*?[.?!])(\s|$)/.exec(text);
  return m?.[1] ?? text;
}

function change(f: ComparedFinding): FindingChange {
  return {
    id: f.id,
    question: f.question,
    summary: firstSentence(f.answer),
    ...(f.owner ? { owner: f.owner } : {}),
  };
}

export function weekChanges(
  now: { headline: HeadlineNumbers; findings: ComparedFinding[] },
  before: { window: DayWindow; headline: HeadlineNumbers; findings: ComparedFinding[] },
): WeekChanges {
  const flaggedBefore = new Map(before.findings.filter((f) => f.flag).map((f) => [f.id, f]));
  const flaggedNow = now.findings.filter((f) => f.flag);
  const nowIds = new Set(flaggedNow.map((f) => f.id));
  const same = (f: ComparedFinding) => {
    const b = flaggedBefore.get(f.id);
    return b !== undefined && subject(b) === subject(f);
  };
  const a = now.headline;
  const b = before.headline;
  return {
    previous: before.window,
    newFindings: flaggedNow.filter((f) => !same(f)).map(change),
    cleared: [...flaggedBefore.values()].filter((f) => !nowIds.has(f.id)).map(change),
    stillFlagged: flaggedNow.filter(same).map(change),
    headline: [
      { id: 'spend', label: 'AI spend', unit: 'usd', before: b.spend, after: a.spend },
      { id: 'merged_prs', label: 'merged PRs', unit: 'count', before: b.mergedPrs, after: a.mergedPrs },
      {
        id: 'cost_per_merged_pr',
        label: 'cost per merged PR',
        unit: 'usd',
        before: b.costPerMergedPr,
        after: a.costPerMergedPr,
      },
      {
        id: 'delivery_points',
        label: 'delivery points (merged work weighted by size)',
        unit: 'count',
        before: b.deliveryPoints,
        after: a.deliveryPoints,
      },
      { id: 'top5_share', label: 'top-5 share', unit: 'share', before: b.top5Share, after: a.top5Share },
      {
        id: 'unpriced_tokens',
        label: 'unpriced tokens',
        unit: 'count',
        before: b.unpricedTokens,
        after: a.unpricedTokens,
      },
    ],
  };
}

/** The section read back from JSON, where money is exact decimal text: decimals again. */
export function reviveWeekChanges(json: unknown): WeekChanges | null {
  if (json === null || json === undefined) return null;
  const c = json as Omit<WeekChanges, 'headline'> & { headline: Record<string, unknown>[] };
  const money = (v: unknown) => (v === null || v === undefined ? null : usd(v as string));
  return {
    ...c,
    headline: c.headline.map((m) => {
      const move = m as unknown as HeadlineMove;
      return move.unit === 'usd' ? { ...move, before: money(m.before), after: money(m.after) } : move;
    }),
  };
}
