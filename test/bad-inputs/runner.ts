import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordId } from '../../src/domain/ids.js';
import { ingestOutcomes } from '../../src/ingest/sources.js';
import { loadUsageFile } from '../../src/ingest/usage-file.js';
import type { IngestSummary } from '../../src/ingest/summary.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { CORPUS, focusRow, GOOD, outcomeRow, usageRow, type Case, type Path } from './corpus.js';

/** What one case measured: its outcome, the field named, good rows kept, and whether the store still works. */
export interface Measured {
  id: string;
  path: Path;
  expected: string;
  measured: string;
  ok: boolean;
  goodLost: number;
  bricked: boolean;
}

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
  // The store must still take a good record and report.
  let bricked = false;
  try {
    const at = new Date('2026-07-15T10:00:00Z');
    await db.appendUsage([
      {
        id: recordId('corpus-after', marker),
        source: 'corpus-after',
        stream: null,
        granularity: 'request',
        start: at,
        end: at,
        tool: null,
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        tokens: { input: 10, cacheRead: 0, cacheWrite: 0, output: 5, reasoning: 0 },
        requests: 1,
        cost: { amount: null, basis: 'list_estimate', priceRef: null },
        hints: {},
      },
    ]);
    await db.refreshLedger();
    await db.query('SELECT CAST(sum(cost) AS VARCHAR) AS total, max(day) AS last FROM ledger');
  } catch {
    bricked = true;
  }
  return { id: c.id, path: c.path, expected: expectedText, measured, ok, goodLost, bricked };
}

/** Runs the whole corpus, one store per path. */
export async function runCorpus(cases: readonly Case[] = CORPUS): Promise<Measured[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mileage-bad-inputs-'));
  const out: Measured[] = [];
  try {
    const paths = [...new Set(cases.map((c) => c.path))];
    let n = 0;
    for (const path of paths) {
      const db = await openStore(':memory:');
      for (const c of cases.filter((x) => x.path === path)) out.push(await runCase(db, dir, c, n++));
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The printable summary: counts per path, and every case whose measured outcome differs. */
export function summarise(results: readonly Measured[]): string {
  const lines = ['path              cases  as documented  good rows lost  stores bricked'];
  const paths = [...new Set(results.map((r) => r.path))];
  for (const p of [...paths, 'total']) {
    const rs = p === 'total' ? results : results.filter((r) => r.path === p);
    lines.push(
      `${p.padEnd(18)}${String(rs.length).padStart(5)}  ${String(rs.filter((r) => r.ok).length).padStart(13)}  ${String(rs.reduce((a, r) => a + r.goodLost, 0)).padStart(14)}  ${String(rs.filter((r) => r.bricked).length).padStart(14)}`,
    );
  }
  for (const r of results.filter((x) => !x.ok || x.bricked || x.goodLost > 0))
    lines.push(`  ${r.id.slice(0, 60)}: expected ${r.expected}, measured ${r.measured}`);
  return lines.join('\n');
}
