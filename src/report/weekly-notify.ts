import type { WeeklyReport } from '../diagnostics/weekly.js';
import type { NotifySettings } from '../domain/directory.js';
import { MileageError } from '../domain/errors.js';
import { formatUsd } from '../domain/money.js';
import type { Result } from '../domain/result.js';
import { sendEmail } from './email.js';
import { renderWeeklyJson } from './json.js';
import { renderWeeklyMarkdown } from './markdown.js';
import { postToSlack, weeklySlackMessage } from './slack.js';
import { adaptiveCardMessage, postToTeams } from './teams.js';
import { nextStep } from './terminal.js';
import { CHANGES_TITLE, changeLines, NO_PREVIOUS_WEEK } from './week-changes-text.js';
import { postSignedWebhook } from './webhook.js';

export const NOTIFY_CHANNELS = ['slack', 'teams', 'email', 'webhook'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

const TOP_FINDINGS = 5;

/** The weekly report as a Teams Adaptive Card: the headline numbers and the top findings, flagged first. */
export function weeklyTeamsMessage(r: WeeklyReport): object {
  const h = r.headline;
  const flagged = r.findings.filter((f) => f.flag);
  const top = [...flagged, ...r.findings.filter((f) => !f.flag)].slice(0, TOP_FINDINGS);
  return adaptiveCardMessage({
    title: `Mileage weekly — ${r.org}`,
    subtitle: `${r.window.since} to ${r.window.until} (exclusive)`,
    sections: [
      // What changed since last Monday comes first, as in every format.
      { heading: CHANGES_TITLE, text: changeLines(r.changes).join('\n') || NO_PREVIOUS_WEEK },
      ...top.map((f) => ({
        heading: `${f.flag ? '▲ ' : ''}${f.question}`,
        text: [f.answer, nextStep(f)].filter((x) => x !== null).join(' '),
      })),
    ],
    facts: [
      ['AI spend', formatUsd(h.spend)],
      ['Merged PRs', String(h.mergedPrs)],
      ['Cost per merged PR', h.costPerMergedPr ? formatUsd(h.costPerMergedPr) : '—'],
      ['Top-5 share', `${(h.top5Share * 100).toFixed(0)}%`],
      ['Flagged findings', `${flagged.length} of ${r.findings.length}`],
    ],
  });
}

/**
 * Sends the weekly report (already rendered for an org-wide viewer by the caller) to one channel. Secrets
 * come from the environment variables `notify:` names; a missing one is a config error naming the variable.
 */
export async function notifyWeekly(
  channel: NotifyChannel,
  report: WeeklyReport,
  notify: NotifySettings | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const need = (name: string | null | undefined, fallback: string, what: string): string => {
    const variable = name ?? fallback;
    const value = env[variable];
    if (!value)
      throw new MileageError(
        'config',
        `--notify ${channel} needs ${what} in the environment variable ${variable}, which is not set`,
        'Export it in that variable (never put it in mileage.yaml).',
      );
    return value;
  };
  const check = (r: Result<unknown>, where: string) => {
    if (!r.ok) throw new MileageError('upstream', `could not post to ${where}: ${r.error}`);
  };
  switch (channel) {
    case 'slack': {
      const variable = notify?.slackWebhookEnv ?? 'MILEAGE_SLACK_WEBHOOK';
      check(
        await postToSlack(need(variable, variable, 'the webhook URL'), weeklySlackMessage(report)),
        'Slack',
      );
      return `Slack (${variable})`;
    }
    case 'teams': {
      const variable = notify?.teamsWebhookEnv ?? 'MILEAGE_TEAMS_WEBHOOK';
      check(
        await postToTeams(need(variable, variable, 'the webhook URL'), weeklyTeamsMessage(report)),
        'Teams',
      );
      return `Teams (${variable})`;
    }
    case 'webhook': {
      const w = notify?.webhook;
      const url = need(w?.urlEnv, 'MILEAGE_WEBHOOK_URL', 'the webhook URL');
      const secret = need(w?.secretEnv, 'MILEAGE_WEBHOOK_SECRET', 'the signing secret');
      const payload = {
        type: 'mileage.weekly_report',
        report: JSON.parse(renderWeeklyJson(report)) as unknown,
      };
      check(await postSignedWebhook(url, secret, payload), 'the webhook');
      return 'the webhook';
    }
    case 'email': {
      const e = notify?.email;
      if (!e || e.to.length === 0)
        throw new MileageError(
          'config',
          '--notify email needs notify.email in mileage.yaml with its recipients (to:)',
          'See docs/governance.md for the email settings.',
        );
      const sent = await sendEmail(
        e,
        {
          to: e.to,
          subject: `[Mileage] Weekly diagnostic — ${report.org}, ${report.window.since} to ${report.window.until}`,
          text: renderWeeklyMarkdown(report),
        },
        env,
      );
      check(sent, 'the SMTP server');
      return `email (${e.to.length} recipient${e.to.length === 1 ? '' : 's'})`;
    }
    default:
      return channel satisfies never;
  }
}
