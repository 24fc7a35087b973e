import type { Problem } from '../domain/parse-result.js';

/** What an ingestion run reports at its end: counts, and every bad line with its file and line number. */
export interface IngestSummary {
  source: string;
  files: number;
  records: number;
  written: number;
  alreadyStored: number;
  problems: Problem[];
}

export function emptySummary(source: string): IngestSummary {
  return { source, files: 0, records: 0, written: 0, alreadyStored: 0, problems: [] };
}

export function mergeSummaries(source: string, parts: IngestSummary[]): IngestSummary {
  return parts.reduce(
    (acc, p) => ({
      source,
      files: acc.files + p.files,
      records: acc.records + p.records,
      written: acc.written + p.written,
      alreadyStored: acc.alreadyStored + p.alreadyStored,
      problems: [...acc.problems, ...p.problems],
    }),
    emptySummary(source),
  );
}
