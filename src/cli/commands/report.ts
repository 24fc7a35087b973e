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

/**
 * Who a report is rendered for. `viewer`: an org-wide viewer under the org's privacy settings — what every
 * report that leaves this machine shows (Slack, Markdown, HTML, JSON, anything written to a file or a pipe).
 * `owner`: whoever holds the store, on their own terminal; it may name people the settings hide from others.
 */
export const AUDIENCES = ['viewer', 'owner'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** The audience of the printed report: the owner only for the terminal format on a terminal, unless asked. */
export function printedAudience(asked: string | undefined, format: string, term: Terminal): Audience {
  if (asked !== undefined && !(AUDIENCES as readonly string[]).includes(asked))
    throw new MileageError('usage', `--audience expects viewer or owner, got "${asked}"`);
  if (asked !== undefined) return asked as Audience;
  return format === 'terminal' && term.stdoutIsTty === true ? 'owner' : 'viewer';
}

type ReportOptions = GlobalOptions & { format: string; notify?: string; audience?: string };

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
        'also post the report, as an org-wide viewer sees it: slack (webhook URL from the env var named by notify.slack.webhook_env in mileage.yaml, else MILEAGE_SLACK_WEBHOOK)',
      )
      .option(
        '--audience <who>',
        'who the printed report is for: viewer (an org-wide viewer under the privacy settings; the default for anything but the terminal format on a terminal) | owner (you, holding the store)',
      ),
  ).action((opts: ReportOptions) =>
    run(async (term) => {
      if (opts.notify !== undefined && opts.notify !== 'slack') {
        throw new MileageError('usage', `--notify expects slack, got "${opts.notify}"`);
      }
      const format = opts.json ? 'json' : opts.format;
      const audience = printedAudience(opts.audience, format, term);
      const window = {
        ...(opts.since ? { since: dayOption(opts.since, '--since') } : {}),
        ...(opts.until ? { until: dayOption(opts.until, '--until') } : {}),
      };
      const server = runningServer(opts);
      if (server) {
        // The server owns the store: the same report, computed there (an org-wide viewer's: audience=viewer).
        const reportFor = async (who: Audience) =>
          reviveWeeklyReport(
            await apiGet(server, 'reports/weekly', {
              since: window.since,
              until: window.until,
              ...(who === 'viewer' ? { audience: 'viewer' } : {}),
            }),
          );
        const notify =
          opts.notify === 'slack' ? (await readDirectory(opts))?.notify?.slackWebhookEnv : undefined;
        const me = (await apiGet(server, 'me', {})) as { privacy?: { individuals?: string } };
        await present(reportFor, audience, format, opts, term, notify, me.privacy?.individuals ?? 'team');
        return;
      }
      const ctx = await openContext(opts);
      try {
        const reprice = bookRepricer(priceBookFor(ctx.directory));
        const reportFor = async (who: Audience) => {
          const result = await weeklyReport({
            // As the server reads: statements lose the directory joins they never use (metrics/prune-joins.ts).
            db: filteredDb(ctx.db, undefined),
            org: ctx.org,
            privacy: ctx.privacy,
            viewer: { role: who },
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
          format,
          opts,
          term,
          ctx.directory?.notify?.slackWebhookEnv,
          ctx.privacy.individuals,
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
  reportFor: (who: Audience) => Promise<WeeklyReport>,
  audience: Audience,
  format: string,
  opts: ReportOptions,
  term: Terminal,
  slackEnv: string | null | undefined,
  individuals: string,
): Promise<void> {
  if (!['json', 'markdown', 'html', 'terminal'].includes(format))
    throw new MileageError('usage', `--format expects terminal, markdown, html or json, got "${format}"`);
  const reports = new Map<Audience, Promise<WeeklyReport>>();
  const get = (who: Audience) => {
    let r = reports.get(who);
    if (!r) reports.set(who, (r = reportFor(who)));
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
    const posted = await postToSlack(url, weeklySlackMessage(await get('viewer')));
    if (!posted.ok) throw new MileageError('upstream', `could not post to Slack: ${posted.error}`);
    term.log(`Posted the weekly report to Slack (${envName}), as an org-wide viewer sees it.`);
  }
  const result = await get(audience);
  if (audience === 'owner' && individuals === 'team') {
    term.log(
      'Shown to you as the holder of the store: it may name people the privacy settings (individuals: team) hide from others. Reports that leave this machine show what an org-wide viewer sees (--audience viewer).',
    );
  }
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
