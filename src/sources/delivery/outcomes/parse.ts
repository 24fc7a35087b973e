import { recordId } from '../../../domain/ids.js';
import { usd } from '../../../domain/money.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import { readCsv } from '../../csv.js';

/**
 * Workflow outcomes, for work that is not code: tickets resolved by a support bot, alerts triaged, reviews
 * posted, deals closed. Columns (CSV header or JSONL keys):
 *
 * | column     | required | meaning                                                              |
 * | `at`       | yes      | ISO-8601 time of the outcome                                          |
 * | `workflow` | yes      | workflow id (as in mileage.yaml)                                      |
 * | `kind`     | yes      | outcome kind, e.g. alert_triaged, ticket_resolved                     |
 * | `count`    | no       | how many outcomes the row stands for (default 1, whole number >= 0)   |
 * | `value`    | no       | decimal USD value of the outcome(s)                                   |
 * | `actor`    | no       | who (email, login) when a person is involved                          |
 * | `ref`      | no       | external id; makes the row's identity stable across re-imports        |
 */
type Row = Record<string, unknown>;

function toOutcome(row: Row, file: string, line: number | null, occurrence: number): OutcomeRecord | Problem {
  const problem = (field: string, message: string): Problem => ({ file, line, field, message });
  const text = (k: string): string | null => {
    const v = row[k];
    if (v === undefined || v === null || v === '') return null;
    return typeof v === 'string'
      ? v.trim()
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);
  };
  const at = text('at');
  if (!at) return problem('at', 'missing');
  const when = new Date(at);
  if (Number.isNaN(when.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(at))
    return problem('at', `not an ISO-8601 time: ${at}`);
  const workflow = text('workflow');
  if (!workflow) return problem('workflow', 'missing');
  const kind = text('kind');
  if (!kind) return problem('kind', 'missing');
  const countText = text('count');
  const count = countText === null ? 1 : Number(countText);
  if (!Number.isInteger(count) || count < 0) return problem('count', `not a whole number >= 0: ${countText}`);
  const valueText = text('value');
  if (valueText !== null && !/^-?\d+(\.\d+)?$/.test(valueText))
    return problem('value', `not a decimal amount: ${valueText}`);
  const ref = text('ref');
  return {
    id: ref
      ? recordId('outcomes', workflow, ref)
      : recordId('outcomes', workflow, kind, at, count, text('actor'), occurrence),
    source: 'outcomes-file',
    kind,
    at: when,
    openedAt: null,
    actor: text('actor'),
    repo: null,
    ref,
    headBranch: null,
    linkedTickets: [],
    size: null,
    points: null,
    pointsBasis: null,
    aiAssisted: true,
    aiEvidence: `workflow:${workflow}`,
    rework: false,
    reworkReason: null,
    category: 'unknown',
    workType: null,
    workflow,
    count,
    value: valueText === null ? null : usd(valueText),
  };
}

function collect(
  rows: Iterable<{ line: number; row: Row | Problem }>,
  file: string,
): ParseResult<OutcomeRecord> {
  const records: OutcomeRecord[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  for (const { line, row } of rows) {
    if ('message' in row && 'file' in row) {
      problems.push(row as Problem);
      continue;
    }
    const key = JSON.stringify(row);
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    const r = toOutcome(row, file, line, occurrence);
    if ('message' in r) problems.push(r);
    else records.push(r);
  }
  return { records, problems };
}

export function parseOutcomesCsv(text: string, file: string): ParseResult<OutcomeRecord> {
  const rows = [...readCsv(text)];
  const header = rows.shift()?.fields.map((h) => h.trim());
  if (!header)
    return {
      records: [],
      problems: [{ file, line: 1, field: null, message: 'empty file (expected a header)' }],
    };
  return collect(
    rows.map(({ line, fields }) => ({
      line,
      row: Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ''])),
    })),
    file,
  );
}

export function parseOutcomesJsonl(text: string, file: string): ParseResult<OutcomeRecord> {
  type Item = { line: number; row: Row | Problem } | null;
  const items = text.split('\n').map((raw, i): Item => {
    const line = i + 1;
    if (raw.trim() === '') return null;
    try {
      const row = JSON.parse(raw) as unknown;
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        return { line, row: { file, line, field: null, message: 'expected a JSON object' } as Problem };
      }
      return { line, row: row as Row };
    } catch {
      return { line, row: { file, line, field: null, message: 'invalid JSON' } as Problem };
    }
  });
  return collect(
    items.filter((x): x is { line: number; row: Row | Problem } => x !== null),
    file,
  );
}
