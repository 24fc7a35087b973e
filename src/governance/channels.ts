import type { NotifySettings } from '../domain/directory.js';
import type { Result } from '../domain/result.js';
import { sendEmail, type Email, type EmailRetryOptions } from '../report/email.js';
import type { PostOptions } from '../report/post-json.js';
import { postToSlack } from '../report/slack.js';
import { postToTeams } from '../report/teams.js';
import { postSignedWebhook } from '../report/webhook.js';
import type { ChannelName } from './config.js';

/**
 * The configured channels, with their secrets read from the environment at the moment of sending (a
 * rotated webhook needs no restart). A channel whose variable is unset is reported as such per message,
 * never silently skipped. What each send returns is `ok` or a reason, for the alert history.
 */
export interface Channels {
  /** Channels configured under `notify:` and chosen by `alerts.channels`. */
  names: ChannelName[];
  slack(message: object): Promise<string>;
  teams(message: object): Promise<string>;
  webhook(payload: object): Promise<string>;
  email(email: Email): Promise<string>;
}

/**
 * Whether a channel's outcome is a delivery: `ok`, or `ok after N attempts` when transient failures (HTTP
 * 429/5xx, SMTP 4xx, a connection that failed) were retried with backoff before it went through.
 */
export function delivered(outcome: string): boolean {
  return outcome === 'ok' || outcome.startsWith('ok after ');
}

/** How failed sends are retried (every channel retries transient failures with exponential backoff). */
export type RetryOptions = Pick<PostOptions, 'retries' | 'backoffMs' | 'sleep'> & EmailRetryOptions;

export function configuredChannels(notify: NotifySettings | undefined): ChannelName[] {
  return [
    ...(notify?.slackWebhookEnv ? (['slack'] as const) : []),
    ...(notify?.teamsWebhookEnv ? (['teams'] as const) : []),
    ...(notify?.email ? (['email'] as const) : []),
    ...(notify?.webhook ? (['webhook'] as const) : []),
  ];
}

export function channelsFor(
  notify: NotifySettings | undefined,
  chosen: readonly ChannelName[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
  retry: RetryOptions = {},
): Channels {
  const configured = configuredChannels(notify);
  const names = chosen ? configured.filter((c) => chosen.includes(c)) : configured;
  const variable = (name: string | null | undefined) => (name ? env[name] : undefined);
  const missing = (name: string | null | undefined) =>
    `not sent: the environment variable ${name ?? '?'} is not set`;
  // The attempts are kept in the outcome: a delivery that needed retries is recorded as such, never hidden.
  const outcome = (r: Result<{ attempts: number }>) =>
    r.ok ? (r.value.attempts > 1 ? `ok after ${r.value.attempts} attempts` : 'ok') : `failed: ${r.error}`;
  return {
    names,
    async slack(message) {
      const url = variable(notify?.slackWebhookEnv);
      return url ? outcome(await postToSlack(url, message, retry)) : missing(notify?.slackWebhookEnv);
    },
    async teams(message) {
      const url = variable(notify?.teamsWebhookEnv);
      return url ? outcome(await postToTeams(url, message, retry)) : missing(notify?.teamsWebhookEnv);
    },
    async webhook(payload) {
      const w = notify?.webhook;
      const url = variable(w?.urlEnv);
      const secret = variable(w?.secretEnv);
      if (!url) return missing(w?.urlEnv);
      if (!secret) return missing(w?.secretEnv);
      return outcome(await postSignedWebhook(url, secret, payload, retry));
    },
    async email(email) {
      if (!notify?.email) return 'not sent: notify.email is not configured';
      return outcome(await sendEmail(notify.email, email, env, retry));
    },
  };
}
