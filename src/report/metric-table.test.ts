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

  it('shows unpriced (null) as unknown, never $0', () => {
    expect(formatCell(null, money)).toBe('—');
  });
});
