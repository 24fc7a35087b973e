import type { HeadlineMove, WeekChanges, FindingChange } from '../diagnostics/week-changes.js';
import { formatUsd, usd, type Usd } from '../domain/money.js';

/**
 * "What changed since last Monday" in words, shared by every renderer: each renderer escapes and lays out
 * these lines its own way.
 */

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function value(m: HeadlineMove, v: Usd | number | null): string {
  if (v === null) return 'none';
  if (m.unit === 'usd') return formatUsd(usd(v));
  const n = Number(v);
  return m.unit === 'share' ? `${(n * 100).toFixed(0)}%` : count(n);
}

/** "AI spend $5,715.91, up $310.20 (+5.7%) from $5,405.71"; "top-5 share 59%, up 1.2 pts from 58%". */
export function moveText(m: HeadlineMove): string {
  const now = `${m.label} ${value(m, m.after)}`;
  if (m.before === null || m.after === null)
    return m.before === m.after ? `${now}, as last week` : `${now} (last week ${value(m, m.before)})`;
  const before = usd(m.before);
  const diff = usd(m.after).minus(before);
  // What the reader sees: a move too small to show in the number's own precision is no move.
  const shown =
    m.unit === 'usd' ? diff.abs().lt(0.005) : m.unit === 'share' ? diff.abs().lt(0.0005) : diff.abs().lt(0.5);
  if (shown) return `${now}, unchanged`;
  const dir = diff.isPositive() ? 'up' : 'down';
  const size = diff.abs();
  const by =
    m.unit === 'usd'
      ? formatUsd(size)
      : m.unit === 'share'
        ? `${size.times(100).toFixed(1)} pts`
        : count(size.toNumber());
  const rel =
    m.unit !== 'share' && !before.isZero()
      ? ` (${diff.isPositive() ? '+' : '−'}${size.dividedBy(before.abs()).times(100).toFixed(1)}%)`
      : '';
  return `${now}, ${dir} ${by}${rel} from ${value(m, m.before)}`;
}

const findingText = (f: FindingChange) => `${f.question} ${f.summary}`;

export interface ChangeSection {
  title: string;
  /** One sentence on where the comparison comes from. */
  basis: string;
  /** The headline numbers' movement, one item each. */
  moves: string[];
  newFindings: string[];
  cleared: string[];
  /** One line naming what stays flagged, or null. */
  still: string | null;
}

export const CHANGES_TITLE = 'What changed since last Monday';

/** The section's parts as text; null when there was no week before to compare with. */
export function changeSection(c: WeekChanges | null): ChangeSection | null {
  if (!c) return null;
  return {
    title: CHANGES_TITLE,
    basis: `Against last Monday's report (${c.previous.since} to ${c.previous.until}, exclusive), computed again from the same data.`,
    moves: c.headline.map(moveText),
    newFindings: c.newFindings.length
      ? c.newFindings.map((f) => `New: ${findingText(f)}`)
      : ['New: no finding is newly flagged this week.'],
    cleared: c.cleared.length
      ? c.cleared.map((f) => `Cleared: ${f.question} (last week: ${f.summary})`)
      : ['Cleared: no finding flagged last week has cleared.'],
    still: c.stillFlagged.length
      ? `Still flagged from last week: ${c.stillFlagged.map((f) => f.question).join(' · ')}`
      : null,
  };
}

/** The section as plain lines (terminal, Slack, notifications). */
export function changeLines(c: WeekChanges | null): string[] {
  const s = changeSection(c);
  if (!s) return [];
  return [
    s.basis,
    ...s.moves.map((m) => `· ${m}`),
    ...s.newFindings,
    ...s.cleared,
    ...(s.still ? [s.still] : []),
  ];
}

/** When there is nothing to compare with: said rather than left out, so the reader knows why. */
export const NO_PREVIOUS_WEEK =
  'No earlier week of data to compare with: this is the first report the data allows.';
