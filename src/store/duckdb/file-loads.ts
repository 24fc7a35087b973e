import { MileageError } from '../../domain/errors.js';
import { currentAcceptedTimes } from '../../domain/accepted-times.js';
import { repositoryKey } from '../../domain/repository.js';
import type {
  FileLoader,
  FocusExport,
  FocusExportResult,
  FocusFileLoad,
  FocusFileResult,
  UsageFileLoad,
  UsageFileResult,
} from '../db.js';
import { focusExportSelect } from './focus-export.js';
import { FOCUS_REQUIRED, focusReaderSql, focusStageSql } from './focus-import.js';
import { CLEAR_REJECTS_SQL, fixLineNumbersSql, REJECTED_LINES_SQL } from './file-rejects.js';
import { replaceUsage, type DuckIo } from './io.js';
import { sqlString } from './sql.js';
import { JSONL_KEYS_SQL, jsonlColumnsSql, rawUsageFileSql, stageUsageFileSql } from './usage-file.js';

type FileReject = { line: number; field: string | null; message: string };

/**
 * Usage and FOCUS files read by DuckDB's own file readers (bad lines rejected with their line, good rows
 * kept), and the ledger written out as a FOCUS file.
 */
export class DuckFileLoader implements FileLoader {
  constructor(
    private readonly io: DuckIo,
    /** The org's time zone, for the exported days. */
    private readonly timeZone: () => string,
  ) {}

  async loadUsageFile(load: UsageFileLoad): Promise<UsageFileResult> {
    const io = this.io;
    for (const sql of CLEAR_REJECTS_SQL) await io.run(sql);
    try {
      await io.run(rawUsageFileSql(load));
    } catch (cause) {
      throw unreadable(load.name ?? load.path, load.format, cause);
    }
    // Lines the reader could not split (file-rejects.ts): one rejected row each, the rest load.
    const unsplit = await this.fileRejects(load.format === 'jsonl' ? 'raw_lines' : 'raw_file', load.format);
    if (load.format === 'jsonl') {
      // One column per key seen in any line, read from each line's JSON object.
      const keys = (await io.query(JSONL_KEYS_SQL)).map((r) => String(r.k));
      await io.run(jsonlColumnsSql(keys));
    }
    const fileColumns = (await io.query('DESCRIBE raw_file')).map((r) => String(r.column_name));
    const absent = Object.entries(load.columns ?? {}).filter(([, column]) => !fileColumns.includes(column));
    if (absent.length) {
      await io.run('DROP TABLE IF EXISTS raw_lines');
      await io.run('DROP TABLE raw_file');
      const listed = fileColumns.filter((c) => c !== 'line' && !c.startsWith('__')).join(', ');
      throw new MileageError(
        'input',
        `${load.name ?? load.path}: no column ${absent.map(([field, column]) => `"${column}" (mapped to ${field})`).join(', ')}; the file has: ${listed}`,
      );
    }
    const sql = stageUsageFileSql(load, fileColumns, (c) => io.localDay(c), currentAcceptedTimes());
    await io.run(sql.checkedSql);
    const rejected = [...unsplit, ...(await this.checkedRejects(sql.rejectedSql))].sort(
      (a, b) => a.line - b.line,
    );
    await io.run(sql.stageSql);
    const counts = await this.storeStaged();
    for (const t of ['staging', 'checked', 'raw_file', 'raw_lines'])
      await io.run(`DROP TABLE IF EXISTS ${t}`);
    return { ...counts, rejected };
  }

  async loadFocusFile(load: FocusFileLoad): Promise<FocusFileResult> {
    const io = this.io;
    for (const sql of CLEAR_REJECTS_SQL) await io.run(sql);
    try {
      // Line numbers count the CSV header as line 1, as in every other Mileage error.
      const offset = load.format === 'csv' ? 1 : 0;
      await io.run(
        `CREATE OR REPLACE TEMP TABLE raw_file AS SELECT *, CAST(row_number() OVER () + ${offset} AS BIGINT) AS line FROM ${focusReaderSql(load.format, load.path)}`,
      );
    } catch (cause) {
      throw unreadable(load.path, load.format, cause);
    }
    const unsplit = await this.fileRejects('raw_file', load.format);
    const fileColumns = (await io.query('DESCRIBE raw_file')).map((r) => String(r.column_name));
    const costColumn = load.cost === 'effective' ? 'EffectiveCost' : 'BilledCost';
    const missing = [...FOCUS_REQUIRED.filter((c) => c !== 'BilledCost'), costColumn].filter(
      (c) => !fileColumns.includes(c),
    );
    if (missing.length) {
      await io.run('DROP TABLE raw_file');
      throw new MileageError(
        'input',
        `${load.path}: not a FOCUS cost-and-usage file: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    }
    const sql = focusStageSql(fileColumns, costColumn, (c) => io.localDay(c), currentAcceptedTimes());
    await io.run(sql.checkedSql);
    const rejected = [...unsplit, ...(await this.checkedRejects(sql.rejectedSql))].sort(
      (a, b) => a.line - b.line,
    );
    const [skipped] = await io.query(sql.skippedSql);
    await io.run(sql.stageSql);
    const counts = await this.storeStaged();
    for (const t of ['staging', 'checked', 'raw_file']) await io.run(`DROP TABLE ${t}`);
    return { ...counts, rejected, skipped: Number(skipped?.n ?? 0) };
  }

  async exportFocus(out: FocusExport): Promise<FocusExportResult> {
    const io = this.io;
    const params = { since: out.since, until: out.until };
    const select = focusExportSelect(this.timeZone(), sqlString, out.format === 'parquet', out.namesPeople);
    await io.exec(`CREATE OR REPLACE TEMP TABLE focus_out AS ${select}`, {
      ...params,
      min_group: out.minGroupSize,
    });
    const [summary] = await io.query(
      `SELECT count(*) AS n, CAST(coalesce(sum(CAST(BilledCost AS DECIMAL(18,10))), 0) AS VARCHAR) AS total FROM focus_out`,
    );
    const [unpriced] = await io.query(
      `SELECT count(*) AS n FROM ledger WHERE unpriced AND ($since IS NULL OR day >= CAST($since AS DATE)) AND ($until IS NULL OR day < CAST($until AS DATE))`,
      params,
    );
    const options = out.format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true';
    await io.run(`COPY focus_out TO ${sqlString(out.path)} (${options})`);
    await io.run('DROP TABLE focus_out');
    return {
      rows: Number(summary?.n ?? 0),
      total: String(summary?.total ?? '0'),
      unpriced: Number(unpriced?.n ?? 0),
    };
  }

  /** The rows the staging checks rejected, with line, field and message. */
  private async checkedRejects(rejectedSql: string): Promise<FileReject[]> {
    return (await this.io.query(rejectedSql)).map((r) => ({
      line: Number(r.line),
      field: (r.field as string | null) ?? null,
      message: String(r.message),
    }));
  }

  /** The staged rows keyed by repository and stored in place of the same ids; counts for the result. */
  private async storeStaged(): Promise<{ written: number; alreadyStored: number }> {
    const io = this.io;
    await this.keyRepositories('staging');
    const [existing] = await io.query('SELECT count(*) AS n FROM staging s JOIN usage t USING (id)');
    const [total] = await io.query('SELECT count(*) AS n FROM staging');
    await replaceUsage(io, 'staging');
    return { written: Number(total?.n ?? 0), alreadyStored: Number(existing?.n ?? 0) };
  }

  /**
   * A staged file names repositories as its writer did (`Acme/Billing`, a remote URL): each distinct name
   * is replaced by its key (domain/repository.ts), as every other source's records are, so they join.
   */
  private async keyRepositories(table: string): Promise<void> {
    const names = await this.io.query(`SELECT DISTINCT repo FROM ${table} WHERE repo IS NOT NULL`);
    for (const { repo } of names) {
      const from = String(repo);
      const to = repositoryKey(from);
      if (to !== from) await this.io.exec(`UPDATE ${table} SET repo = $to WHERE repo = $from`, { from, to });
    }
  }

  /**
   * The lines a CSV read set aside (file-rejects.ts), with the kept rows' line numbers corrected in `table`;
   * then the rejects tables are dropped. Parquet has none.
   */
  private async fileRejects(table: string, format: string): Promise<FileReject[]> {
    if (format === 'parquet') return [];
    await this.io.run(fixLineNumbersSql(table, format === 'csv' ? 1 : 0));
    const rows = await this.io.query(REJECTED_LINES_SQL);
    for (const sql of CLEAR_REJECTS_SQL) await this.io.run(sql);
    return rows.map((r) => ({
      line: Number(r.line),
      field: format === 'jsonl' ? null : ((r.field as string | null) ?? null),
      message: String(r.message),
    }));
  }
}

/** A file the reader cannot read at all: an input error naming it, never the server's temp path alone. */
function unreadable(path: string, format: string, cause: unknown): MileageError {
  const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new MileageError('input', `${path}: cannot read as ${format}: ${message}`, undefined, { cause });
}
