import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { displayTolerance, readNumber } from './harness.js';
import { parseCsv, sameCell } from '../support/csv.js';

/** What a metric answer looks like on the wire (src/metrics/table.ts). */
export interface ApiTable {
  metric: string;
  window: { since: string; until: string };
  by: string | null;
  columns: { id: string; label: string; unit: string }[];
  rows: { key: string; label: string; values: Record<string, number | string | null> }[];
  notes: string[];
}

export interface ShownCell {
  key: string;
  col: string;
  text: string;
}

/** The numbers a dashboard table shows, with the row key and column id they claim to be. */
export async function shownCells(page: Page, tableSelector: string): Promise<ShownCell[]> {
  return page
    .locator(tableSelector)
    .first()
    .locator('tbody tr[data-key]')
    .evaluateAll((rows) =>
      rows.flatMap((tr) =>
        [...tr.querySelectorAll('td[data-col]')].map((td) => ({
          key: (tr as HTMLElement).dataset.key ?? '',
          col: (td as HTMLElement).dataset.col ?? '',
          text: td.textContent ?? '',
        })),
      ),
    );
}

/** A displayed number equals the exact value up to the rounding of its display. */
export function expectShown(text: string, exact: number | string | null, where: string): void {
  const shown = readNumber(text);
  if (exact === null) {
    expect(shown, where).toBeNull();
    return;
  }
  expect(shown, where).not.toBeNull();
  const value = Number(exact);
  expect(Math.abs((shown as number) - value), `${where}: shown ${text}, API ${exact}`).toBeLessThanOrEqual(
    // Sub-dollar money is printed to three significant digits: its tolerance is relative.
    text.includes('$') && Math.abs(value) < 1 && value !== 0
      ? Math.abs(value) * 0.005 + 1e-12
      : displayTolerance(text),
  );
}

/**
 * Every numeric cell of a dashboard table against the API's table: rows matched by key, columns by id. Text
 * cells (labels, kinds) are compared as text. Returns how many cells were compared.
 */
export async function expectTableMatches(page: Page, selector: string, api: ApiTable): Promise<number> {
  const cells = await shownCells(page, selector);
  expect(cells.length, `${selector} shows no cells`).toBeGreaterThan(0);
  for (const cell of cells) {
    const row = api.rows.find((r) => r.key === cell.key);
    expect(row, `${selector}: row ${cell.key} is not in the API's answer`).toBeDefined();
    const exact = row?.values[cell.col] ?? null;
    const numeric = exact === null || typeof exact === 'number' || !Number.isNaN(Number(exact));
    if (numeric) expectShown(cell.text, exact, `${selector} ${cell.key}.${cell.col}`);
    else expect(cell.text.trim()).toBe(String(exact));
  }
  return cells.length;
}

/**
 * Clicks the page's `index`-th "Download CSV" and compares the file with the JSON of the same request (the
 * button's data-source and data-query): the file name, the header (grouping, then each column's label and
 * unit), one line per row, and every cell (sameCell).
 */
export async function expectDownloadIsJson(
  page: Page,
  index: number,
  api: <T>(path: string) => Promise<T>,
  button: { source: string; query: string },
  where: string,
): Promise<void> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('button[data-csv]').nth(index).click(),
  ]);
  const csv = parseCsv(await readFile(await download.path(), 'utf8'));
  // The same request as JSON: a metric's answer, or the named table of a larger answer.
  const { table } = await api<{ table: ApiTable }>(`${button.source}?${button.query}`);
  expect(download.suggestedFilename(), where).toMatch(
    new RegExp(`${[table.by ?? 'all', table.window.since, table.window.until].join('_')}\\.csv$`),
  );
  expect(csv[0], `${where}: header`).toEqual([
    table.by ?? 'row',
    ...table.columns.map((c) => `${c.label} (${c.unit})`),
  ]);
  expect(csv.length - 1, `${where}: rows`).toBe(table.rows.length);
  for (const [r, row] of table.rows.entries()) {
    const line = csv[r + 1] ?? [];
    // A label a spreadsheet would run as a formula is written with an apostrophe before it.
    expect([row.label, `'${row.label}`], `${where}: row ${r + 1} label`).toContain(line[0]);
    expect(line.length, `${where}: row ${row.key} cells`).toBe(table.columns.length + 1);
    for (const [k, c] of table.columns.entries()) {
      const cell = line[k + 1];
      const value = row.values[c.id];
      expect(sameCell(cell, value), `${where}: row ${row.key} ${c.id}: CSV ${cell}, JSON ${value}`).toBe(
        true,
      );
    }
  }
}
