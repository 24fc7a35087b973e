import { Option, type Command } from 'commander';
import { filteredDb } from '../../metrics/filter.js';
import { weeklyReport, type WeeklyReport } from '../../diagnostics/weekly.js';
import { reviveWeeklyReport } from '../../diagnostics/weekly-json.js';
import { DEFAULT_PRIVACY, type Privacy } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import type { Viewer } from '../../org/privacy.js';
import { renderWeeklyHtml } from '../../report/html.js';
import { renderWeeklyJson } from '../../report/json.js';
import { renderWeeklyMarkdown } from '../../report/markdown.js';
import { postToSlack, weeklySlackMessage } from '../../report/slack.js';
import { renderWeeklyTerminal } from '../../report/terminal.js';
import {
  asOption,
  audienceFilter,
  audienceName,
  noteAudience,
  outputAudience,
  stdoutDestination,
  type Destination,
} from '../audience.js';
import { openContext, readDirectory, type GlobalOptions } from '../context.js';
import { commandWindow } from './query.js';
import { apiGet, runningServer } from '../remote.js';
import type { Terminal } from '../terminal.js';
import { dayOption, globalOptions, type Run } from '../run.js';
import { bookRepricer, priceBookFor } from '../pricing.js';

/** The report formats made to be saved or sent: they leave the machine even when printed on a terminal. */
const DOCUMENTS = new Set(['markdown', 'html', 'json']);

type ReportOptions = GlobalOptions & { format: string; notify?: string; audience?: string; as?: string };

export function registerReport(program: Command, run: Run): void {
  const report = program.command('report').description('Reports over the store');
  globalOptions(
    asOption(
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
          'also post the report, as an org-wide viewer sees it: slack (webhook URL from the env var named by notify.slack.webhook_env in mileage.yaml, else MILEAGE_SLACK_WEBHOOK)',
        ),
    )
      // The first name of --as, kept for scripts written against it.
      .addOption(new Option('--audience <who>', 'same as --as').hideHelp()),
  ).action((opts: ReportOptions) =>
    run(async (term) => {
      if (opts.notify !== undefined && opts.notify !== 'slack') {
        throw new MileageError('usage', `--notify expects slack, got "${opts.notify}"`);
      }
      const format = opts.json ? 'json' : opts.format;
      const destination = stdoutDestination(term, DOCUMENTS.has(format));
      const audience = outputAudience(opts.as ?? opts.audience, destination);
      const window = {
        ...(opts.since ? { since: dayOption(opts.since, '--since') } : {}),
        ...(opts.until ? { until: dayOption(opts.until, '--until') } : {}),
      };
      const server = runningServer(opts);
      if (server) {
        // The server owns the store: the same report, computed there (an org-wide viewer's: audience=viewer).
        const reportFor = async (who: Viewer) =>
          reviveWeeklyReport(
            await apiGet(server, 'reports/weekly', {
              since: window.since,
              until: window.until,
              ...(who.role === 'owner' ? {} : { audience: audienceName(who) }),
            }),
          );
        const notify =
          opts.notify === 'slack' ? (await readDirectory(opts))?.notify?.slackWebhookEnv : undefined;
        const me = (await apiGet(server, 'me', {})) as { privacy?: Partial<Privacy> };
        const privacy = { ...DEFAULT_PRIVACY, ...me.privacy };
        await present(reportFor, audience, destination, format, opts, term, notify, privacy);
        return;
      }
      const ctx = await openContext(opts);
      try {
        const reprice = bookRepricer(priceBookFor(ctx.directory));
        const reportFor = async (who: Viewer) => {
          const filter =
            who.role === 'manager'
              ? await audienceFilter(ctx.db, ctx.privacy, who, await commandWindow(ctx.db, opts))
              : undefined;
          const result = await weeklyReport({
            // As the server reads: statements lose the directory joins they never use (metrics/prune-joins.ts).
            db: filteredDb(ctx.db, filter),
            org: ctx.org,
            privacy: ctx.privacy,
            viewer: who,
            reprice,
            window,
          });
          if (!result) {
            throw new MileageError(
              'not_found',
              'the store has no data yet',
              'Run `mileage demo` to explore with a demo organisation, or `mileage ingest …` your own data.',
            );
          }
          return result;
        };
        await present(
          reportFor,
          audience,
          destination,
          format,
          opts,
          term,
          ctx.directory?.notify?.slackWebhookEnv,
          ctx.privacy,
        );
      } finally {
        await ctx.db.close();
      }
    }),
  );
}

/**
 * Posts (when asked) the org-wide viewer's report, and prints the report for the printed audience in the
 * chosen format, each computed once.
 */
async function present(
  reportFor: (who: Viewer) => Promise<WeeklyReport>,
  audience: Viewer,
  destination: Destination,
  format: string,
  opts: ReportOptions,
  term: Terminal,
  slackEnv: string | null | undefined,
  privacy: Privacy,
): Promise<void> {
  if (!['json', 'markdown', 'html', 'terminal'].includes(format))
    throw new MileageError('usage', `--format expects terminal, markdown, html or json, got "${format}"`);
  const reports = new Map<string, Promise<WeeklyReport>>();
  const get = (who: Viewer) => {
    let r = reports.get(audienceName(who));
    if (!r) reports.set(audienceName(who), (r = reportFor(who)));
    return r;
  };
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
    // A channel is read by the whole org: the message is the org-wide viewer's report, whoever runs this.
    const posted = await postToSlack(url, weeklySlackMessage(await get({ role: 'viewer' })));
    if (!posted.ok) throw new MileageError('upstream', `could not post to Slack: ${posted.error}`);
    term.log(`Posted the weekly report to Slack (${envName}), as an org-wide viewer sees it.`);
  }
  const result = await get(audience);
  noteAudience(term, audience, privacy, destination);
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
    default:
      term.out(renderWeeklyTerminal(result, { color: term.color }));
  }
}
