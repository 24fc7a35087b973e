import { formatProblem } from '../domain/parse-result.js';
import type { PricingSummary } from '../ingest/pricing-pass.js';
import type { IngestSummary } from '../ingest/summary.js';
import type { Terminal } from './terminal.js';

/** The end-of-run summary of any ingestion: counts on stdout, problems summarised (listed with --verbose). */
export function printIngestSummary(
  term: Pick<Terminal, 'out' | 'log' | 'warn'>,
  summary: IngestSummary,
  pricing: PricingSummary | null,
  opts: { json?: boolean; verbose?: boolean },
): void {
  if (opts.json) {
    term.out(JSON.stringify({ ...summary, problems: summary.problems, pricing }, null, 2));
    return;
  }
  term.out(
    `${summary.source}: ${summary.files} file${summary.files === 1 ? '' : 's'}, ${summary.records.toLocaleString('en-US')} records, ${summary.written.toLocaleString('en-US')} written (${summary.alreadyStored.toLocaleString('en-US')} already stored)`,
  );
  if (pricing && pricing.unpricedModels > 0) {
    term.warn(
      `${pricing.unpricedModels} model(s) have no list price: records without a stated cost keep their tokens as unpriced. Run \`mileage prices check\`.`,
    );
  }
  if (summary.problems.length > 0) {
    const byFile = new Map<string, number>();
    for (const p of summary.problems) byFile.set(p.file, (byFile.get(p.file) ?? 0) + 1);
    term.warn(
      `${summary.problems.length} bad line(s) or field(s) skipped in ${byFile.size} file(s)${opts.verbose ? ':' : '; --verbose lists them'}`,
    );
    if (opts.verbose) for (const p of summary.problems) term.log(`  ${formatProblem(p)}`);
  }
}
