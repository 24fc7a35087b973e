import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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

export interface CaptureScan {
  /** Records read (each case id once). */
  read: number;
  /** Lines refused, by file and line: counted and reported, never fatal to the good lines. */
  problems: CaptureProblem[];
  /** Lines whose case id was already read (a workflow that retried and captured twice). */
  duplicates: number;
  days: string[];
}

/**
 * Reads every kept day of a workflow's captures, oldest first, line by line (a workflow may keep many days of
 * large requests: only the caller decides what to hold), handing each good record to `visit` and keeping the
 * good lines of a bad file.
 */
export async function scanCaptures(
  root: string,
  workflow: string,
  visit: (c: CapturedCase) => void,
): Promise<CaptureScan> {
  const scan: CaptureScan = { read: 0, problems: [], duplicates: 0, days: [] };
  const seen = new Set<string>();
  for (const { day, file } of await dayFiles(root, workflow)) {
    scan.days.push(day);
    let line = 0;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const raw of lines) {
      line++;
      if (raw.trim() === '') continue;
      const parsed = parseCaptureLine(raw);
      if (!parsed.ok) {
        scan.problems.push({ file, line, field: parsed.field, message: parsed.message });
        continue;
      }
      if (parsed.record.workflow !== workflow) {
        scan.problems.push({
          file,
          line,
          field: 'workflow',
          message: `names workflow ${parsed.record.workflow}, not ${workflow}`,
        });
        continue;
      }
      const id = captureCaseId(parsed.record);
      if (seen.has(id)) {
        scan.duplicates++;
        continue;
      }
      seen.add(id);
      scan.read++;
      visit({ id, day, record: parsed.record });
    }
  }
  return scan;
}

/** Every captured case of a workflow, in memory: for a caller that needs them all. */
export async function readCaptures(
  root: string,
  workflow: string,
): Promise<CaptureScan & { cases: CapturedCase[] }> {
  const cases: CapturedCase[] = [];
  const scan = await scanCaptures(root, workflow, (c) => cases.push(c));
  return { ...scan, cases };
}
