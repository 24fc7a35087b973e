import type { Command } from 'commander';
import { diagnosticWindows } from '../../diagnostics/windows.js';
import { DEFAULT_PRIVACY, type Privacy } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import type { DayWindow } from '../../domain/time.js';
import { findMetric } from '../../metrics/catalog.js';
import { filteredDb } from '../../metrics/filter.js';
import { DIMENSIONS, type Dimension } from '../../metrics/query.js';
import { QUERIES, findQuery } from '../../metrics/registry.js';
import { dataExtent } from '../../metrics/spend.js';
import type { Db } from '../../store/db.js';
import { metricTableCsv } from '../../report/csv.js';
import { renderMetricTable } from '../../report/metric-table.js';
import {
  asOption,
  audienceFilter,
  audienceName,
  noteAudience,
  outputAudience,
  stdoutDestination,
} from '../audience.js';
import { openContext, type GlobalOptions } from '../context.js';
import { apiGet, runningServer } from '../remote.js';
import type { MetricTable } from '../../metrics/table.js';
import { dayOption, globalOptions, type Run } from '../run.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/** The output asked for: `--format`, or its shorthands `--json` and `--csv` (never two different ones). */
export function queryFormat(opts: { json?: boolean; csv?: boolean; format?: string }): Format {
  const asked = [
    ...(opts.format === undefined ? [] : [opts.format]),
    ...(opts.json ? ['json'] : []),
    ...(opts.csv ? ['csv'] : []),
  ];
  const [first] = asked;
  if (first === undefined) return 'table';
  if (!(FORMATS as readonly string[]).includes(first))
    throw new MileageError('usage', `--format expects one of ${FORMATS.join(', ')}, got "${first}"`);
  if (asked.some((f) => f !== first))
    throw new MileageError('usage', `choose one output: --format ${asked.join(' and --format ')} disagree`);
  return first as Format;
}

/** A metric's table in the format asked: JSON, CSV or a terminal table. */
function render(t: MetricTable, format: Format): string {
  if (format === 'json') return JSON.stringify(t, null, 2);
  if (format === 'csv') return metricTableCsv(t).trimEnd();
  return renderMetricTable(t);
}

const QUERYABLE = QUERIES.map((q) => q.id);

/** The window of a command: --since/--until, else the last four complete weeks with data. */
export async function commandWindow(db: Db, opts: GlobalOptions): Promise<DayWindow> {
  const extent = await dataExtent({ db });
  if (!extent)
    throw new MileageError(
      'not_found',
      'the store has no data yet',
      'Run `mileage demo` or `mileage ingest …` first.',
    );
  return diagnosticWindows(extent.first, extent.last, {
    ...(opts.since ? { since: dayOption(opts.since, '--since') } : {}),
    ...(opts.until ? { until: dayOption(opts.until, '--until') } : {}),
  }).report;
}

export function dimensionOption(value: string | undefined, allowed: readonly Dimension[]): Dimension | null {
  if (value === undefined) return null;
  if (!(DIMENSIONS as readonly string[]).includes(value)) {
    throw new MileageError('usage', `--by expects one of ${DIMENSIONS.join(', ')}, got "${value}"`);
  }
  if (!allowed.includes(value as Dimension)) {
    throw new MileageError(
      'usage',
      allowed.length
        ? `this metric can be grouped by ${allowed.join(', ')}, not "${value}"`
        : 'this metric has fixed rows and takes no --by',
    );
  }
  return value as Dimension;
}

export function registerQuery(program: Command, run: Run): void {
  asOption(globalOptions(program.command('query')))
    .argument('<metric>', 'metric id (`mileage metrics list`)')
    .option(
      '--by <dimension>',
      `group by: ${DIMENSIONS.join(', ')} (spend.total: default team; the API's catalog lists each metric's)`,
    )
    .option('--format <format>', `${FORMATS.join(', ')} (default table; --json and --csv are shorthands)`)
    .option('--csv', 'print the table as CSV (exact decimal money, shares as fractions, units in the header)')
    .description('Answer an ad-hoc question: one metric grouped by one dimension, privacy rules applied')
    .action(
      (metric: string, opts: GlobalOptions & { by?: string; as?: string; csv?: boolean; format?: string }) =>
        run(async (term) => {
          const format = queryFormat(opts);
          const registered = findQuery(metric);
          if (!findMetric(metric) || !registered) {
            throw new MileageError(
              'usage',
              `cannot query "${metric}" by dimension yet`,
              `Queryable: ${QUERYABLE.join(', ')}. What-if: \`mileage whatif\`. All metrics: \`mileage metrics list\`.`,
            );
          }
          const by = dimensionOption(opts.by, registered.dims);
          const destination = stdoutDestination(term);
          const audience = outputAudience(opts.as, destination);
          const server = runningServer(opts);
          if (server) {
            // The server owns the store: ask it (same window rule, same privacy rules).
            const answer = (await apiGet(server, `metrics/${metric}`, {
              by: by ?? undefined,
              since: opts.since ? dayOption(opts.since, '--since') : undefined,
              until: opts.until ? dayOption(opts.until, '--until') : undefined,
              window: 'diagnostic',
              // The CLI's session token is an admin's: any other audience is asked for by name.
              ...(audience.role === 'owner' ? {} : { audience: audienceName(audience) }),
            })) as { table: MetricTable };
            const me = (await apiGet(server, 'me', {})) as { privacy?: Partial<Privacy> };
            noteAudience(term, audience, { ...DEFAULT_PRIVACY, ...me.privacy }, destination);
            term.out(render(answer.table, format));
            return;
          }
          const ctx = await openContext(opts);
          try {
            const window = await commandWindow(ctx.db, opts);
            // As the server reads: a manager's relations narrowed to their teams (metrics/relations.ts).
            const filter = await audienceFilter(ctx.db, ctx.privacy, audience, window);
            const mctx = {
              db: filteredDb(ctx.db, filter),
              window,
              privacy: ctx.privacy,
              viewer: audience,
            };
            noteAudience(term, audience, ctx.privacy, destination);
            term.out(render(await registered.run(mctx, by), format));
          } finally {
            await ctx.db.close();
          }
        }),
    );
}
