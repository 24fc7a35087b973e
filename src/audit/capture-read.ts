import { readFile } from 'node:fs/promises';
import { dayFiles } from './capture-files.js';
import {
  captureCaseId,
  parseCaptureLine,
  type CaptureProblem,
  type CaptureRecord,
} from './capture-record.js';

/** A captured record with the case id it takes in a dataset. */
export interface CapturedCase {
  id: string;
  day: string;
  record: CaptureRecord;
}

export interface CaptureRead {
  cases: CapturedCase[];
  /** Lines refused, by file and line: counted and reported, never fatal to the good lines. */
  problems: CaptureProblem[];
  /** Lines whose case id was already read (a workflow that retried and captured twice). */
  duplicates: number;
  days: string[];
}

/** Reads every retained day of a workflow's captures, oldest first, keeping the good lines of a bad file. */
export async function readCaptures(root: string, workflow: string): Promise<CaptureRead> {
  const out: CaptureRead = { cases: [], problems: [], duplicates: 0, days: [] };
  const seen = new Set<string>();
  for (const { day, file } of await dayFiles(root, workflow)) {
    out.days.push(day);
    const text = await readFile(file, 'utf8');
    text.split('\n').forEach((raw, index) => {
      if (raw.trim() === '') return;
      const parsed = parseCaptureLine(raw);
      if (!parsed.ok) {
        out.problems.push({ file, line: index + 1, field: parsed.field, message: parsed.message });
        return;
      }
      if (parsed.record.workflow !== workflow) {
        out.problems.push({
          file,
          line: index + 1,
          field: 'workflow',
          message: `names workflow ${parsed.record.workflow}, not ${workflow}`,
        });
        return;
      }
      const id = captureCaseId(parsed.record);
      if (seen.has(id)) {
        out.duplicates++;
        return;
      }
      seen.add(id);
      out.cases.push({ id, day, record: parsed.record });
    });
  }
  return out;
}
