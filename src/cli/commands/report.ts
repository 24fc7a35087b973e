import { Option, type Command } from 'commander';
import { filteredDb } from '../../metrics/filter.js';
import { weeklyReport, type WeeklyReport } from '../../diagnostics/weekly.js';
import { reviveWeeklyReport } from '../../diagnostics/weekly-json.js';
import { DEFAULT_PRIVACY, type NotifySettings, type Privacy } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import type { Viewer } from '../../org/privacy.js';
import { renderWeeklyHtml } from '../../report/html.js';
import { renderWeeklyJson } from '../../report/json.js';
import { renderWeeklyMarkdown } from '../../report/markdown.js';
import { NOTIFY_CHANNELS, notifyWeekly, type NotifyChannel } from '../../report/weekly-notify.js';
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
          'also send the report, as an org-wide viewer sees it: slack | teams | email | webhook (secrets from the env vars named under notify: in mileage.yaml; Slack falls back to MILEAGE_SLACK_WEBHOOK, Teams to MILEAGE_TEAMS_WEBHOOK)',
        ),
    )
      // The first name of --as, kept for scripts written against it.
      .addOption(new Option('--audience <who>', 'same as --as').hideHelp()),
  ).action((opts: ReportOptions) =>
    run(async (term) => {
      if (opts.notify !== undefined && !NOTIFY_CHANNELS.includes(opts.notify as NotifyChannel)) {
        throw new MileageError(
          'usage',
          `--notify expects ${NOTIFY_CHANNELS.join(', ')}, got "${opts.notify}"`,
        );
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
        const notify = opts.notify ? (await readDirectory(opts))?.notify : undefined;
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
            // As the server reads: a manager's relations narrowed to their teams (metrics/relations.ts).
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
          ctx.directory?.notify,
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
  notify: NotifySettings | undefined,
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
  if (opts.notify) {
    // A channel is read by the whole org: the message is the org-wide viewer's report, whoever runs this.
    const where = await notifyWeekly(opts.notify as NotifyChannel, await get({ role: 'viewer' }), notify);
    term.log(`Posted the weekly report to ${where}, as an org-wide viewer sees it.`);
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
