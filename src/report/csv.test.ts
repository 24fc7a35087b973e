import { describe, expect, it } from 'vitest';
import type { MetricTable } from '../metrics/table.js';
import { csvField, metricTableCsv } from './csv.js';

const table: MetricTable = {
  metric: 'spend.total',
  window: { since: '2026-11-01', until: '2026-11-08' },
  by: 'team',
  columns: [
    { id: 'cost', label: 'spend', unit: 'USD' },
    { id: 'share', label: 'share', unit: 'share' },
  ],
  rows: [
    { key: 'a', label: 'Platform, "core"', values: { cost: '1234.5678901234', share: 0.25 } },
    { key: 'b', label: '=HYPERLINK("x")', values: { cost: null, share: null } },
    { key: 'c', label: 'Data', values: { cost: '-0.10', share: 0.75 } },
  ],
  notes: [],
};

describe('metricTableCsv', () => {
  const lines = metricTableCsv(table).split('\r\n');

  it('names each column with its unit', () => {
    expect(lines[0]).toBe('team,spend (USD),share (share)');
  });

  it('keeps money exact, quotes what must be quoted, and leaves no value (unpriced) empty, never 0', () => {
    expect(lines[1]).toBe('"Platform, ""core""",1234.5678901234,0.25');
    expect(lines[3]).toBe('Data,-0.10,0.75');
  });

  it('defuses a label a spreadsheet would run as a formula', () => {
    expect(lines[2]).toBe(`"'=HYPERLINK(""x"")",,`);
    expect(csvField('-5')).toBe('-5');
    expect(csvField('+1 team')).toBe("'+1 team");
  });
});
