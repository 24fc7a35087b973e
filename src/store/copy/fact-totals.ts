import { Decimal } from 'decimal.js';
import type { Db } from '../db.js';
import { dialectFor } from '../sql/dialect.js';

/**
 * The totals a copy must keep, per spend stream and month: usage records (counted ones: a replayed copy is
 * never counted), exact cost, list estimate and tokens; and outcomes per month. Written once through the
 * dialect; ClickHouse reads its replacing tables through FINAL, as every read of that store does.
 */
export interface FactTotal {
  /** `usage <stream> <YYYY-MM>` or `outcomes <YYYY-MM>`; `-` for a record that names no stream. */
  cell: string;
  records: number;
  cost: string;
  estCost: string;
  tokens: number;
}

export interface TotalsCheck {
  ok: boolean;
  cells: number;
  /** Cells that differ, with both sides (at most 20 listed). */
  differences: { cell: string; from: FactTotal | null; to: FactTotal | null }[];
  /** Grand totals of the source, for the summary. */
  records: number;
  cost: string;
}

export async function factTotals(db: Db): Promise<FactTotal[]> {
  const d = dialectFor(db.dialect);
  const final = db.dialect === 'clickhouse' ? ' FINAL' : '';
  const month = (col: string) => `substr(${d.text(d.monthStart(col))}, 1, 7)`;
  const usage = await db.query(
    `SELECT 'usage ' || coalesce(stream, '-') || ' ' || ${month('day')} AS cell, count(*) AS records,
       ${d.text('coalesce(sum(cost), 0)')} AS cost, ${d.text('coalesce(sum(est_cost), 0)')} AS est_cost,
       sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens
     FROM usage${final} WHERE counted GROUP BY cell ORDER BY cell`,
  );
  const outcomes = await db.query(
    `SELECT 'outcomes ' || ${month('day')} AS cell, count(*) AS records FROM outcomes${final} GROUP BY cell ORDER BY cell`,
  );
  return [
    ...usage.map((r) => ({
      cell: String(r.cell),
      records: Number(r.records),
      // Compared as numbers: the engines print the same decimal with different trailing zeros.
      cost: new Decimal(String(r.cost)).toFixed(10),
      estCost: new Decimal(String(r.est_cost)).toFixed(10),
      tokens: Number(r.tokens),
    })),
    ...outcomes.map((r) => ({
      cell: String(r.cell),
      records: Number(r.records),
      cost: '0.0000000000',
      estCost: '0.0000000000',
      tokens: 0,
    })),
  ];
}

export function compareTotals(from: readonly FactTotal[], to: readonly FactTotal[]): TotalsCheck {
  const there = new Map(to.map((t) => [t.cell, t]));
  const here = new Map(from.map((t) => [t.cell, t]));
  const differences: TotalsCheck['differences'] = [];
  for (const cell of new Set([...here.keys(), ...there.keys()])) {
    const a = here.get(cell) ?? null;
    const b = there.get(cell) ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) differences.push({ cell, from: a, to: b });
  }
  const usage = from.filter((t) => t.cell.startsWith('usage '));
  return {
    ok: differences.length === 0,
    cells: here.size,
    differences: differences.slice(0, 20),
    records: usage.reduce((a, t) => a + t.records, 0),
    cost: usage.reduce((a, t) => a.plus(t.cost), new Decimal(0)).toFixed(10),
  };
}
