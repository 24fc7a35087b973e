import type { DimensionGap } from '../store/db.js';

/**
 * What an upgraded store says about its history: rows kept before the store had a column for a dimension
 * their source reports (1-hour cache writes, server tools, OpenAI audio, batch and service tier) are priced
 * without it, and only a re-ingest of those days gives it to them. Said after an upgrade and by
 * `mileage prices check`, with what to run for each source.
 */
const HOW_TO_REINGEST: Record<string, string> = {
  'claude-code-logs':
    'transcripts still on disk are read again by the next `mileage ingest` (or `mileage scan`); history whose files are gone keeps its gap',
  'anthropic-usage-report':
    '`mileage sync anthropic-admin --since <first day>` (or `mileage ingest anthropic-usage` on saved pages)',
  'anthropic-usage-report-1h':
    '`mileage sync anthropic-admin --since <first day>` (or `mileage ingest anthropic-usage` on saved pages)',
  'openai-usage-completions': '`mileage sync openai-admin --since <first day>`',
};

export function dimensionGapLines(gaps: readonly DimensionGap[]): string[] {
  if (gaps.length === 0) return [];
  const lines = [
    'History without some billed dimensions (stored before Mileage kept them; priced as if they were none):',
  ];
  for (const g of gaps) {
    const days = g.firstDay === g.lastDay ? g.firstDay : `${g.firstDay} to ${g.lastDay}`;
    lines.push(
      `  ${g.source}: ${g.records.toLocaleString('en-US')} record(s), ${days}, lack ${g.missing.join(', ')}`,
      `    to fill them in: ${HOW_TO_REINGEST[g.source] ?? 're-ingest those days from the source'}`,
    );
  }
  return lines;
}
