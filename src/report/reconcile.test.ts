import { describe, expect, it } from 'vitest';
import type { StreamMonth } from '../reconcile/reconcile.js';
import { renderReconcileSummary } from './reconcile.js';

function month(
  stream: string,
  m: string,
  counted: string,
  billed: string | null,
  extra: Partial<StreamMonth> = {},
): StreamMonth {
  return {
    stream,
    month: m,
    counted,
    billed: billed ?? '0',
    estimated: '0.10',
    attributed: { any: counted, people: counted, sessions: '0', keys: '0', workflows: '0' },
    unattributed: '0',
    attributedShare: 1,
    people: [],
    sources: [],
    gaps: { noBilledSource: billed === null, daysWithoutBilled: [], disagreements: [] },
    unpricedEntries: 0,
    ...extra,
  };
}

/** The row of the summary table that starts with `label`, split into its cells. */
function row(text: string, label: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(label));
  if (!line) throw new Error(`no row ${label} in\n${text}`);
  return line.slice(label.length).trim().split(/ {2,}/);
}

describe('renderReconcileSummary', () => {
  const months = [
    month('anthropic:acme', '2026-10', '0.1', '0.1', {
      gaps: {
        noBilledSource: false,
        daysWithoutBilled: ['2026-10-03', '2026-10-04'],
        disagreements: [{ source: 'logs', amount: '0.2', billed: '0.1', days: 3, difference: 1 }],
      },
      unattributed: '0.05',
    }),
    month('seat:cursor:ana', '2026-10', '40', null),
    month('seat:cursor:ben', '2026-10', '40', null),
    month('seat:cursor:ana', '2026-11', '40', null),
  ];
  const text = renderReconcileSummary(months);

  it("folds a tool's seat streams into one line per month, with the number of seats", () => {
    expect(row(text, 'seat:cursor (2 seats)')).toEqual([
      '2026-10',
      '$80.00',
      'no bill',
      '$0.20',
      '$0.00',
      '0',
    ]);
    expect(row(text, 'seat:cursor  ')).toEqual(['2026-11', '$40.00', 'no bill', '$0.10', '$0.00', '0']);
    expect(text).not.toContain('seat:cursor:ana');
  });

  it('counts each gap line of a stream-month', () => {
    expect(row(text, 'anthropic:acme')).toEqual(['2026-10', '$0.10', '$0.10', '$0.10', '$0.05', '2']);
  });

  it('totals in decimal, billed only where a bill exists', () => {
    // 0.1 + 80 + 40 in floating point is 120.10000000000001; four estimates of 0.10 are 0.4.
    expect(row(text, 'total')).toEqual(['$120.10', '$0.10', '$0.40', '$0.05', '2']);
  });

  it('says how to see the detail', () => {
    expect(text).toContain('--detail');
  });
});
