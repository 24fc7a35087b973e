import { describe, expect, it } from 'vitest';
import { formatCell } from './metric-table.js';

const money = { id: 'x', label: 'x', unit: 'USD' };

describe('money cells', () => {
  it('groups thousands in the whole part only, never in the decimals', () => {
    expect(formatCell(0.0859, money)).toBe('$0.0859');
    expect(formatCell('0.0859000000', money)).toBe('$0.0859');
    expect(formatCell('1234567.126', money)).toBe('$1,234,567.13');
    expect(formatCell(-2500.5, money)).toBe('-$2,500.50');
    expect(formatCell('0', money)).toBe('$0.00');
  });

  it('shows an unpriced amount (null) as unpriced, never $0; a missing rate as —', () => {
    expect(formatCell(null, money)).toBe('unpriced');
    expect(formatCell(null, { id: 'x', label: 'x', unit: 'USD per merged PR' })).toBe('—');
  });

  it('rounds exact decimal text (half to even, as domain/money.ts) without passing through a float', () => {
    // As a float 1.015 is 1.01499999…, which rounds to 1.01; the exact text is a tie and goes to 1.02.
    expect(formatCell('1.015', money)).toBe('$1.02');
    expect(formatCell('1234.005', money)).toBe('$1,234.00');
  });
});
