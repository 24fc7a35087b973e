import type { NotifySettings } from '../domain/directory.js';
import { sendEmail, type Email } from '../report/email.js';
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
): Channels {
  const configured = configuredChannels(notify);
  const names = chosen ? configured.filter((c) => chosen.includes(c)) : configured;
  const variable = (name: string | null | undefined) => (name ? env[name] : undefined);
  const missing = (name: string | null | undefined) =>
    `not sent: the environment variable ${name ?? '?'} is not set`;
  const outcome = (r: { ok: boolean; error?: string }) => (r.ok ? 'ok' : `failed: ${r.error ?? ''}`);
  return {
    names,
    async slack(message) {
      const url = variable(notify?.slackWebhookEnv);
      return url ? outcome(await postToSlack(url, message)) : missing(notify?.slackWebhookEnv);
    },
    async teams(message) {
      const url = variable(notify?.teamsWebhookEnv);
      return url ? outcome(await postToTeams(url, message)) : missing(notify?.teamsWebhookEnv);
    },
    async webhook(payload) {
      const w = notify?.webhook;
      const url = variable(w?.urlEnv);
      const secret = variable(w?.secretEnv);
      if (!url) return missing(w?.urlEnv);
      if (!secret) return missing(w?.secretEnv);
      return outcome(await postSignedWebhook(url, secret, payload));
    },
    async email(email) {
      if (!notify?.email) return 'not sent: notify.email is not configured';
      return outcome(await sendEmail(notify.email, email, env));
    },
  };
}
