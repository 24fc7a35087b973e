import type { Command } from 'commander';
import { loadQualityBars } from '../../audit/bar-file.js';
import type { QualityBar } from '../../audit/bar.js';
import { combineBars } from '../../audit/bar-versions.js';
import { auditPlan } from '../../audit/plan.js';
import { planJson, renderPlan } from '../../audit/plan-render.js';
import { MileageError } from '../../domain/errors.js';
import { addDays } from '../../domain/time.js';
import { filteredDb } from '../../metrics/filter.js';
import { dataExtent } from '../../metrics/spend.js';
import { findOrgFile } from '../../org/load.js';
import { listCatalogModels } from '../../pricing/index.js';
import { asOption, audienceFilter, noteAudience, outputAudience, stdoutDestination } from '../audience.js';
import { openContext, type GlobalOptions } from '../context.js';
import { orgFileInForce } from '../org-file-in-force.js';
import { priceBookFor } from '../pricing.js';
import { listStoredBars } from '../../audit/stored-bars.js';
import type { Db } from '../../store/db.js';
import { dayOption, globalOptions, type Run } from '../run.js';

/** The plan's window: --since/--until, else the 30 days ending with the store's last day. */
async function planWindow(
  opts: GlobalOptions,
  db: Parameters<typeof dataExtent>[0]['db'],
): Promise<{ since: string; until: string }> {
  const extent = await dataExtent({ db });
  if (!extent)
    throw new MileageError(
      'not_found',
      'the store has no data yet',
      'Run `mileage demo` or `mileage ingest …` first.',
    );
  const until = opts.until ? dayOption(opts.until, '--until') : addDays(extent.last, 1);
  const since = opts.since ? dayOption(opts.since, '--since') : addDays(until, -30);
  if (since >= until) throw new MileageError('usage', `--since ${since} is not before --until ${until}`);
  return { since, until };
}

/**
 * Whether each workflow has a bar: mileage.yaml's and the ones written through the API, combined as
 * `audit run` combines them. Null (not known) without an org file and with none written through the API.
 */
async function planBars(orgFile: string | null, db: Db): Promise<QualityBar[] | null> {
  const stored = await listStoredBars(db);
  if (!orgFile && stored.length === 0) return null;
  const combined = combineBars(orgFile ? await loadQualityBars(orgFile) : [], stored);
  return combined.versions.map((v) => v.bar);
}

/** `mileage audit plan`: the workloads to audit first, their candidates and projected savings. */
export function registerAuditPlan(audit: Command, run: Run): void {
  asOption(globalOptions(audit.command('plan')))
    .description(
      'The top workloads by spend, cheaper candidate models and their projected saving, bars and last audits',
    )
    .option('--top <n>', 'how many workloads (default 5)', '5')
    .action((opts: GlobalOptions & { top: string; as?: string }) =>
      run(async (term) => {
        const top = Number(opts.top);
        if (!Number.isInteger(top) || top < 1 || top > 100)
          throw new MileageError('usage', `--top expects a whole number from 1 to 100, got "${opts.top}"`);
        const destination = stdoutDestination(term);
        const audience = outputAudience(opts.as, destination);
        const ctx = await openContext(opts);
        try {
          const window = await planWindow(opts, ctx.db);
          const filter = await audienceFilter(ctx.db, ctx.privacy, audience, window);
          noteAudience(term, audience, ctx.privacy, destination);
          const orgFile = findOrgFile({ explicit: opts.config, cwd: process.cwd(), env: process.env });
          const book = priceBookFor(ctx.directory);
          const plan = await auditPlan(
            { db: filteredDb(ctx.db, filter), window, privacy: ctx.privacy, viewer: audience },
            {
              pricer: book,
              bars: await planBars(orgFile ?? (await orgFileInForce(ctx.db, ctx.directory)), ctx.db),
              catalog: (provider) => listCatalogModels(provider),
              top,
            },
          );
          term.out(opts.json ? JSON.stringify(planJson(plan), null, 2) : renderPlan(plan));
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
