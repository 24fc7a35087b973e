import type { Command } from 'commander';
import { filteredDb } from '../../metrics/filter.js';
import { weeklyReport, type WeeklyReport } from '../../diagnostics/weekly.js';
import { reviveWeeklyReport } from '../../diagnostics/weekly-json.js';
import { MileageError } from '../../domain/errors.js';
import { renderWeeklyHtml } from '../../report/html.js';
import { renderWeeklyJson } from '../../report/json.js';
import { renderWeeklyMarkdown } from '../../report/markdown.js';
import { postToSlack, weeklySlackMessage } from '../../report/slack.js';
import { renderWeeklyTerminal } from '../../report/terminal.js';
import { openContext, readDirectory, type GlobalOptions } from '../context.js';
import { apiGet, runningServer } from '../remote.js';
import type { Terminal } from '../terminal.js';
import { dayOption, globalOptions, type Run } from '../run.js';
import { bookRepricer, priceBookFor } from '../pricing.js';

export function registerReport(program: Command, run: Run): void {
  const report = program.command('report').description('Reports over the store');
  globalOptions(
    report
      .command('weekly')
      .description('The Monday-morning diagnostic: where the money went, model fit, variance, trajectory')
      .option(
        '--format <format>',
        'terminal | markdown | html | json (default terminal; --json = json)',
        'terminal',
      )
      .option(
        '--notify <channel>',
        'also post the report: slack (webhook URL from the env var named by notify.slack.webhook_env in mileage.yaml, else MILEAGE_SLACK_WEBHOOK)',
      ),
  ).action((opts: GlobalOptions & { format: string; notify?: string }) =>
    run(async (term) => {
      if (opts.notify !== undefined && opts.notify !== 'slack') {
        throw new MileageError('usage', `--notify expects slack, got "${opts.notify}"`);
      }
      const server = runningServer(opts);
      if (server) {
        // The server owns the store: the same report, computed there.
        const json = await apiGet(server, 'reports/weekly', {
          since: opts.since ? dayOption(opts.since, '--since') : undefined,
          until: opts.until ? dayOption(opts.until, '--until') : undefined,
        });
        const notify =
          opts.notify === 'slack' ? (await readDirectory(opts))?.notify?.slackWebhookEnv : undefined;
        await present(reviveWeeklyReport(json), opts, term, notify);
        return;
      }
      const ctx = await openContext(opts);
      try {
        const result = await weeklyReport({
          // As the server reads: statements lose the directory joins they never use (metrics/prune-joins.ts).
          db: filteredDb(ctx.db, undefined),
          org: ctx.org,
          privacy: ctx.privacy,
          viewer: { role: 'owner' },
          reprice: bookRepricer(priceBookFor(ctx.directory)),
          window: {
            ...(opts.since ? { since: dayOption(opts.since, '--since') } : {}),
            ...(opts.until ? { until: dayOption(opts.until, '--until') } : {}),
          },
        });
        if (!result) {
          throw new MileageError(
            'not_found',
            'the store has no data yet',
            'Run `mileage demo` to explore with a demo organisation, or `mileage ingest …` your own data.',
          );
        }
        await present(result, opts, term, ctx.directory?.notify?.slackWebhookEnv);
      } finally {
        await ctx.db.close();
      }
    }),
  );
}

type ReportOptions = GlobalOptions & { format: string; notify?: string };

/** Posts (when asked) and prints a computed report in the chosen format. */
async function present(
  result: WeeklyReport,
  opts: ReportOptions,
  term: Terminal,
  slackEnv: string | null | undefined,
): Promise<void> {
  if (opts.notify === 'slack') {
    const envName = slackEnv ?? 'MILEAGE_SLACK_WEBHOOK';
    const url = process.env[envName];
    if (!url) {
      throw new MileageError(
        'config',
        `--notify slack needs the webhook URL in the environment variable ${envName}, which is not set`,
        'Create an incoming webhook in Slack and export its URL in that variable (never put it in mileage.yaml).',
      );
    }
    const posted = await postToSlack(url, weeklySlackMessage(result));
    if (!posted.ok) throw new MileageError('upstream', `could not post to Slack: ${posted.error}`);
    term.log(`Posted the weekly report to Slack (${envName}).`);
  }
  const format = opts.json ? 'json' : opts.format;
  switch (format) {
    case 'json':
      term.out(renderWeeklyJson(result));
      break;
    case 'markdown':
      term.out(renderWeeklyMarkdown(result));
      break;
    case 'html':
      term.out(renderWeeklyHtml(result));
      break;
    case 'terminal':
      term.out(renderWeeklyTerminal(result, { color: term.color }));
      break;
    default:
      throw new MileageError('usage', `--format expects terminal, markdown, html or json, got "${format}"`);
  }
}
