import { z } from 'zod';
import { MileageError } from '../domain/errors.js';
import { err, ok, type Result } from '../domain/result.js';
import type { OrgFileIssue, SourceConfig } from '../org/index.js';
import { USAGE_FILE_COLUMNS, type UsageFileColumn } from '../store/db.js';

/** A file column → Mileage field mapping, stored the store's way round (field → file column). */
export type UsageColumns = Partial<Record<UsageFileColumn, string>>;

const isField = (v: string): v is UsageFileColumn => (USAGE_FILE_COLUMNS as readonly string[]).includes(v);
const FIELDS = USAGE_FILE_COLUMNS.join(', ');

/** `--map ts=timestamp,usd=cost_usd`: each entry `<file column>=<Mileage field>`. */
export function parseMapOption(text: string): UsageColumns {
  const out: UsageColumns = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.lastIndexOf('=');
    const column = entry.slice(0, eq).trim();
    const field = entry.slice(eq + 1).trim();
    if (eq <= 0 || !column || !field) {
      throw new MileageError('usage', `--map: "${entry}" is not <file column>=<field>`, `Fields: ${FIELDS}.`);
    }
    if (!isField(field)) {
      throw new MileageError(
        'usage',
        `--map: "${field}" (in "${entry}") is not a Mileage field`,
        `Fields: ${FIELDS}.`,
      );
    }
    if (out[field] !== undefined) {
      throw new MileageError('usage', `--map: two file columns are mapped to ${field}`);
    }
    out[field] = column;
  }
  return out;
}

/**
 * `sources.<name>` with `type: usage-file` in mileage.yaml: a saved mapping for `mileage ingest usage
 * --mapping <name>`. `columns` maps the file's column names to Mileage fields; `source` names the records'
 * source (default: the entry's name); `format` is csv, jsonl or parquet (default: from the extension).
 */
export const usageFileSettingsSchema = z.strictObject({
  type: z.literal('usage-file'),
  columns: z.record(z.string().min(1), z.string()).default({}),
  source: z.string().min(1).optional(),
  format: z.enum(['csv', 'jsonl', 'parquet'], { error: 'expected csv, jsonl or parquet' }).optional(),
});

export interface UsageFileMapping {
  columns: UsageColumns;
  source: string;
  format: 'csv' | 'jsonl' | 'parquet' | undefined;
}

export function usageFileMapping(source: SourceConfig): Result<UsageFileMapping, OrgFileIssue[]> {
  const parsed = usageFileSettingsSchema.safeParse(source.config);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((i) =>
        source.issueAt(
          i.path.filter((p): p is string | number => typeof p !== 'symbol'),
          i.code === 'unrecognized_keys' ? `unknown field "${i.keys.join('", "')}"` : i.message,
        ),
      ),
    );
  }
  const columns: UsageColumns = {};
  const issues: OrgFileIssue[] = [];
  for (const [column, field] of Object.entries(parsed.data.columns)) {
    if (!isField(field))
      issues.push(source.issueAt(['columns', column], `"${field}" is not a Mileage field (${FIELDS})`));
    else if (columns[field] !== undefined)
      issues.push(source.issueAt(['columns', column], `two file columns are mapped to ${field}`));
    else columns[field] = column;
  }
  if (issues.length) return err(issues);
  return ok({ columns, source: parsed.data.source ?? source.name, format: parsed.data.format });
}
