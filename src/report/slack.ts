import type { Finding } from '../diagnostics/finding.js';
import type { WeeklyReport } from '../diagnostics/weekly.js';
import { formatUsd } from '../domain/money.js';
import { err, ok, type Result } from '../domain/result.js';

/** Slack's mrkdwn reads &, < and > as markup (links, mentions): names from data are escaped so they stay text. */
export function slackEscape(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A section's text must stay under Slack's 3,000 characters. */
const clip = (s: string, n = 2900) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const TOP_FINDINGS = 5;

function findingBlock(f: Finding): object {
  const lines = [
    `${f.flag ? ':small_red_triangle: ' : ''}*${slackEscape(f.question)}*`,
    slackEscape(f.answer),
    ...(f.action ? [`_Next:_ ${slackEscape(f.action)}`] : []),
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
  const top = [...flagged, ...r.findings.filter((f) => !f.flag)].slice(0, TOP_FINDINGS);
  const headline = `${formatUsd(h.spend)} of AI spend, ${h.mergedPrs} merged PRs${h.costPerMergedPr ? `, ${formatUsd(h.costPerMergedPr)} per merged PR` : ''}; ${flagged.length} finding${flagged.length === 1 ? '' : 's'} flagged.`;
  return {
    text: clip(`Mileage weekly diagnostic — ${slackEscape(r.org)}: ${headline}`),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: clip(`Mileage weekly — ${r.org}`, 150) },
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${r.window.since} to ${r.window.until} (exclusive)` }],
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

export interface PostOptions {
  /** Attempts after the first, on 429 and 5xx (default 3). */
  retries?: number;
  /** Wait before retry n (0-based) when the server gives no Retry-After, in ms (default 500 × 2^n). */
  backoffMs?: (attempt: number) => number;
  /** Longest wait honoured from a Retry-After header, in ms (default 30 s). */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs a message to a Slack incoming webhook, retrying on 429 (after Retry-After) and 5xx (with backoff).
 * The URL is a secret: no message this returns contains it, nor anything the network error said about it.
 */
export async function postToSlack(
  url: string,
  message: object,
  options: PostOptions = {},
): Promise<Result<{ attempts: number }>> {
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const backoff = options.backoffMs ?? ((n: number) => 500 * 2 ** n);
  const maxWait = options.maxWaitMs ?? 30_000;
  const body = JSON.stringify(message);
  let last = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    let status: number;
    let retryAfter: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      await res.text();
    } catch {
      last = 'the Slack webhook could not be reached (network error or timeout)';
      if (attempt < retries) await sleep(backoff(attempt));
      continue;
    }
    if (status >= 200 && status < 300) return ok({ attempts: attempt + 1 });
    last = `the Slack webhook answered HTTP ${status}`;
    if (status !== 429 && status < 500) return err(last);
    if (attempt < retries) {
      const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
      await sleep(
        Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, maxWait) : backoff(attempt),
      );
    }
  }
  return err(`${last}, after ${retries + 1} attempts`);
}
