import { recordId } from '../../../domain/ids.js';
import { usd } from '../../../domain/money.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import { readCsv } from '../../csv.js';
import { describeIssue } from '../../each-item.js';
import { INCOMPLETE_LINE, nonBlankLines } from '../../lines.js';
import { OUTCOME_COLUMNS, REQUIRED_COLUMNS, outcomeRowSchema, type OutcomeRow } from './schema.js';

export const SOURCE = 'outcomes-file';

/** A row as read: column → value, with empty cells and nulls already left out. */
type RawRow = Record<string, unknown>;

function toRecord(row: OutcomeRow, occurrence: number): OutcomeRecord {
  const value = row.value === undefined ? null : usd(row.value);
  const at = row.at.toISOString();
  return {
    id:
      row.ref !== undefined
        ? recordId('outcomes', row.workflow, row.ref)
        : recordId(
            'outcomes',
            row.workflow,
            row.kind,
            at,
            row.count,
            value?.toString(),
            row.actor,
            occurrence,
          ),
    source: SOURCE,
    kind: row.kind,
    at: row.at,
    openedAt: null,
    actor: row.actor ?? null,
    repo: null,
    ref: row.ref ?? null,
    headBranch: null,
    linkedTickets: [],
    size: null,
    points: null,
    pointsBasis: null,
    // A workflow outcome is, by definition, produced by the AI workflow it names.
    aiAssisted: true,
    aiEvidence: `workflow:${row.workflow}`,
    rework: false,
    reworkReason: null,
    category: 'unknown',
    workType: null,
    workflow: row.workflow,
    count: row.count,
    value,
  };
}

/** Validates rows one by one; identical rows are told apart by their occurrence, repeated refs reported. */
class Collector {
  readonly records: OutcomeRecord[] = [];
  readonly problems: Problem[] = [];
  private readonly occurrences = new Map<string, number>();
  private readonly refs = new Map<string, number>();

  constructor(private readonly file: string) {}

  problem(line: number, field: string | null, message: string): void {
    this.problems.push({ file: this.file, line, field, message });
  }

  add(line: number, raw: RawRow): void {
    const parsed = outcomeRowSchema.safeParse(raw);
    if (!parsed.success) {
      const { field, message } = describeIssue(parsed.error);
      this.problem(line, field || null, message);
      return;
    }
    const row = parsed.data;
    if (row.ref !== undefined) {
      const key = `${row.workflow}\u0000${row.ref}`;
      const first = this.refs.get(key);
      if (first !== undefined) {
        this.problem(
          line,
          'ref',
          `duplicate ref ${row.ref} in workflow ${row.workflow} (first on line ${first})`,
        );
        return;
      }
      this.refs.set(key, line);
    }
    const value = row.value === undefined ? '' : usd(row.value).toString();
    const content = [row.workflow, row.kind, row.at.toISOString(), row.count, value, row.actor].join(
      '\u0000',
    );
    const occurrence = (this.occurrences.get(content) ?? 0) + 1;
    this.occurrences.set(content, occurrence);
    this.records.push(toRecord(row, occurrence));
  }

  result(): ParseResult<OutcomeRecord> {
    return { records: this.records, problems: this.problems };
  }
}

function withoutEmpty(entries: [string, unknown][]): RawRow {
  return Object.fromEntries(
    entries.filter(([, v]) => v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '')),
  );
}

/** Workflow outcomes as CSV with a header row (see schema.ts for the columns). */
export function parseOutcomesCsv(text: string, file: string): ParseResult<OutcomeRecord> {
  const out = new Collector(file);
  const rows = readCsv(text);
  const first = rows.next();
  if (first.done) {
    out.problem(1, null, 'empty file (expected a header row)');
    return out.result();
  }
  const header = first.value.fields.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    out.problem(
      first.value.line,
      missing.join(', '),
      `header has no ${missing.join(', ')} column (expected ${OUTCOME_COLUMNS.join(',')})`,
    );
    return out.result();
  }
  const known = new Set<string>(OUTCOME_COLUMNS);
  const duplicate = header.find((h, i) => known.has(h) && header.indexOf(h) !== i);
  if (duplicate) {
    out.problem(first.value.line, duplicate, `column ${duplicate} appears twice in the header`);
    return out.result();
  }
  for (const { line, fields, error } of rows) {
    if (error) out.problem(line, null, error);
    else if (fields.length > header.length)
      out.problem(
        line,
        null,
        `${fields.length} fields for ${header.length} columns (a comma in an unquoted value?)`,
      );
    else out.add(line, withoutEmpty(header.map((h, i) => [h, fields[i]])));
  }
  return out.result();
}

/** Workflow outcomes as JSON Lines, one object per line with the same keys as the CSV columns. */
export function parseOutcomesJsonl(text: string, file: string): ParseResult<OutcomeRecord> {
  const out = new Collector(file);
  for (const { line, text: raw, unterminated } of nonBlankLines(text)) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      out.problem(line, null, unterminated ? INCOMPLETE_LINE : 'invalid JSON');
      continue;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      out.problem(line, null, 'expected a JSON object');
      continue;
    }
    out.add(line, withoutEmpty(Object.entries(json)));
  }
  return out.result();
}
