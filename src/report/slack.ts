import type { Finding } from '../diagnostics/finding.js';
import type { WeeklyReport } from '../diagnostics/weekly.js';
import { formatUsd } from '../domain/money.js';
import type { Result } from '../domain/result.js';
import { postJson, type PostOptions } from './post-json.js';
import { byTeamLine } from './terminal.js';
import { CHANGES_TITLE, changeLines, NO_PREVIOUS_WEEK } from './week-changes-text.js';

export type { PostOptions } from './post-json.js';

/** Slack's mrkdwn reads &, < and > as markup (links, mentions): names from data are escaped so they stay text. */
export function slackEscape(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A section's text must stay under Slack's 3,000 characters. */
const clip = (s: string, n = 2900) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const TOP_FINDINGS = 5;
/** Block Kit takes 50 blocks a message: ten findings leave room for the rest. */
const MAX_FLAGGED = 10;

function findingBlock(f: Finding): object {
  const lines = [
    `${f.flag ? ':small_red_triangle: ' : ''}*${slackEscape(f.question)}*`,
    slackEscape(f.answer),
    ...(f.action
      ? [`_Next (owner: ${slackEscape(f.owner ?? 'unassigned')}):_ ${slackEscape(f.action)}`]
      : []),
    `\`${f.metricIds.join('` `')}\``,
  ];
  return { type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n')) } };
}

/**
 * The weekly report as a Slack incoming-webhook message (Block Kit): the headline numbers and the top
 * findings, flagged first. Everything comes from the already privacy-filtered report, so no name the report
 * hides can reach the message.
 */
export function weeklySlackMessage(r: WeeklyReport): { text: string; blocks: object[] } {
  const h = r.headline;
  const flagged = r.findings.filter((f) => f.flag);
  // Every flagged finding (each has an owner and a next step), then the others up to five in all.
  const top = [...flagged.slice(0, MAX_FLAGGED), ...r.findings.filter((f) => !f.flag)].slice(
    0,
    Math.max(TOP_FINDINGS, Math.min(flagged.length, MAX_FLAGGED)),
  );
  const headline = `${formatUsd(h.spend)} of AI spend, ${h.mergedPrs} merged PRs${h.costPerMergedPr ? `, ${formatUsd(h.costPerMergedPr)} per merged PR` : ''}; ${flagged.length} finding${flagged.length === 1 ? '' : 's'} flagged.`;
  const teams = byTeamLine(r);
  const since = r.changes
    ? ` Since last Monday: ${r.changes.newFindings.length} new, ${r.changes.cleared.length} cleared.`
    : '';
  return {
    text: clip(`Mileage weekly diagnostic — ${slackEscape(r.org)}: ${headline}${since}`),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: clip(`Mileage weekly — ${r.org}`, 150) },
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${r.window.since} to ${r.window.until} (exclusive)` }],
      },
      // What changed since last Monday comes first, as in every format.
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            [`*${CHANGES_TITLE}*`, ...changeLines(r.changes).map(slackEscape)].join('\n') +
              (r.changes ? '' : `\n${NO_PREVIOUS_WEEK}`),
          ),
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*AI spend*\n${formatUsd(h.spend)}` },
          { type: 'mrkdwn', text: `*Merged PRs*\n${h.mergedPrs}` },
          {
            type: 'mrkdwn',
            text: `*Cost per merged PR*\n${h.costPerMergedPr ? formatUsd(h.costPerMergedPr) : '—'}`,
          },
          { type: 'mrkdwn', text: `*Top-5 share*\n${(h.top5Share * 100).toFixed(0)}%` },
        ],
      },
      // The whole bill by team: the top findings alone leave most of the spend unexplained.
      ...(teams ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: clip(slackEscape(teams)) }] }] : []),
      { type: 'divider' },
      ...top.map(findingBlock),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${flagged.length} flagged of ${r.findings.length} findings · \`mileage metrics show <id>\` explains any metric`,
          },
        ],
      },
    ],
  };
}

/**
 * POSTs a message to a Slack incoming webhook, retrying on 429 (after Retry-After) and 5xx (with backoff).
 * The URL is a secret: no message this returns contains it, nor anything the network error said about it.
 */
export function postToSlack(
  url: string,
  message: object,
  options: PostOptions = {},
): Promise<Result<{ attempts: number }>> {
  return postJson(url, JSON.stringify(message), 'the Slack webhook', {}, options);
}
