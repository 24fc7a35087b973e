import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestOutcomes } from '../../src/ingest/sources.js';
import { loadUsageFile } from '../../src/ingest/usage-file.js';
import type { IngestSummary } from '../../src/ingest/summary.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { CORPUS, focusRow, GOOD, outcomeRow, usageRow, type Case } from './corpus.js';
import { storeStillWorks, type Measured } from './measure.js';

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

function csvText(rows: (Record<string, string> | { raw: string | Buffer })[], columns: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(columns.join(',') + '\n')];
  for (const r of rows)
    parts.push(
      'raw' in r
        ? Buffer.concat([Buffer.from(r.raw), Buffer.from('\n')])
        : Buffer.from(columns.map((c) => csvCell(r[c] ?? '')).join(',') + '\n'),
    );
  return Buffer.concat(parts);
}

function jsonlText(rows: (Record<string, string> | { raw: string | Buffer })[]): Buffer {
  return Buffer.concat(
    rows.map((r) => Buffer.concat([Buffer.from('raw' in r ? r.raw : JSON.stringify(r)), Buffer.from('\n')])),
  );
}

const USAGE_COLUMNS = [
  'timestamp',
  'model',
  'provider',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'requests',
  'cost_usd',
  'cost_basis',
  'session_id',
];
const FOCUS_COLUMNS = Object.keys(focusRow(0, 'x'));

/** Runs one case in `db`: the bad row between good ones, then a good ingest and a ledger refresh. */
async function runCase(db: Db, dir: string, input: Case, n: number): Promise<Measured> {
  const marker = `case-${n}`;
  // The bad row carries the case's marker too, so an accepted one is counted with the good rows.
  const c: Case =
    'raw' in input.row
      ? input
      : {
          ...input,
          row: Object.fromEntries(
            Object.entries(input.row).map(([k, v]) => [
              k,
              v === 'bad' ? marker : v.replaceAll('"bad"', `"${marker}"`),
            ]),
          ),
        };
  const goodRows = (make: (i: number, m: string) => Record<string, string>) =>
    Array.from({ length: GOOD }, (_, i) => make(i + n * GOOD, marker));
  let summary: IngestSummary | null = null;
  let error: string | null = null;
  let stored = 0;
  try {
    if (c.path.startsWith('usage-')) {
      const rows = goodRows(usageRow);
      const all = [rows[0]!, c.row, ...rows.slice(1)];
      const file = join(dir, `${marker}.${c.path.slice(6)}`);
      if (c.path === 'usage-jsonl') writeFileSync(file, jsonlText(all));
      else {
        writeFileSync(join(dir, `${marker}.csv`), csvText(all, USAGE_COLUMNS));
        if (c.path === 'usage-parquet')
          await db.query(
            `COPY (SELECT * FROM read_csv('${join(dir, `${marker}.csv`)}', header = true, all_varchar = true, max_line_size = 16777216)) TO '${file}' (FORMAT parquet)`,
          );
      }
      const format = c.path === 'usage-jsonl' ? 'jsonl' : c.path === 'usage-parquet' ? 'parquet' : 'csv';
      summary = await loadUsageFile(db, {
        path: c.path === 'usage-parquet' ? file : c.path === 'usage-csv' ? join(dir, `${marker}.csv`) : file,
        format,
        source: 'corpus',
      });
      const [r] = await db.query(`SELECT count(*) AS n FROM usage WHERE session_id = '${marker}'`);
      stored = Number(r?.n ?? 0);
    } else if (c.path === 'focus-csv') {
      const rows = goodRows(focusRow);
      const file = join(dir, `${marker}.focus.csv`);
      writeFileSync(file, csvText([rows[0]!, c.row, ...rows.slice(1)], FOCUS_COLUMNS));
      const r = await db.loadFocusFile({ path: file, format: 'csv', cost: 'billed' });
      summary = {
        source: 'focus',
        files: 1,
        records: r.written + r.rejected.length,
        written: r.written,
        alreadyStored: r.alreadyStored,
        problems: r.rejected.map((p) => ({ file, ...p })),
      };
      const [x] = await db.query(`SELECT count(*) AS n FROM usage WHERE workflow = '${marker}'`);
      stored = Number(x?.n ?? 0);
    } else {
      const rows = goodRows(outcomeRow);
      const file = join(dir, `${marker}.jsonl`);
      writeFileSync(file, jsonlText([rows[0]!, c.row, ...rows.slice(1)]));
      summary = await ingestOutcomes(db, [file]);
      const [x] = await db.query(`SELECT count(*) AS n FROM outcomes WHERE workflow = '${marker}'`);
      stored = Number(x?.n ?? 0);
    }
  } catch (e) {
    error = e instanceof Error ? e.message.slice(0, 120) : String(e);
  }
  const problems = summary?.problems ?? [];
  const rejectedField = problems.length > 0 ? (problems[0]!.field ?? null) : undefined;
  const accepted = error === null && problems.length === 0 && stored === GOOD + 1;
  const measured = error
    ? `error: ${error}`
    : accepted
      ? 'accepted'
      : problems.length > 0
        ? `rejected (${rejectedField ?? 'no field'}): ${problems[0]!.message.slice(0, 80)}`
        : `nothing said, ${stored} stored`;
  const expectedText =
    c.expect.outcome === 'accepted' ? 'accepted' : `rejected (${c.expect.field ?? 'no field'})`;
  const goodLost = Math.max(0, GOOD - Math.min(GOOD, stored));
  const ok =
    error === null &&
    (c.expect.outcome === 'accepted'
      ? accepted
      : problems.length > 0 &&
        stored === GOOD &&
        (c.expect.field === null ||
          rejectedField === c.expect.field ||
          (rejectedField ?? '').startsWith(c.expect.field)));
  return { id: c.id, path: c.path, expected: expectedText, measured, ok, goodLost, bricked: false };
}

/** Inputs ingested between two checks that the store still ingests and reports. */
const CHECK_EVERY = 12;

/**
 * Runs the corpus, one store per path. The store is checked (a good record ingested, `report weekly` and a
 * query answered) after every CHECK_EVERY inputs and at the end; a failed check re-runs those inputs one by
 * one in fresh stores, each checked, so the input that bricked its store is named.
 */
export async function runCorpus(cases: readonly Case[] = CORPUS): Promise<Measured[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mileage-bad-inputs-'));
  const out: Measured[] = [];
  try {
    const paths = [...new Set(cases.map((c) => c.path))];
    let n = 0;
    for (const path of paths) {
      const db = await openStore(':memory:');
      const of = cases.filter((x) => x.path === path);
      for (let i = 0; i < of.length; i += CHECK_EVERY) {
        const batch = of.slice(i, i + CHECK_EVERY);
        const first = n;
        const measured: Measured[] = [];
        for (const c of batch) measured.push(await runCase(db, dir, c, n++));
        if ((await storeStillWorks(db)) !== null) {
          for (const [k, c] of batch.entries()) {
            const alone = await openStore(':memory:');
            await runCase(alone, dir, c, first + k);
            measured[k]!.bricked = (await storeStillWorks(alone)) !== null;
            await alone.close();
          }
        }
        out.push(...measured);
      }
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
