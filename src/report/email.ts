import { createTransport } from 'nodemailer';
import type { EmailSettings } from '../domain/directory.js';
import { err, ok, type Result } from '../domain/result.js';

export interface Email {
  to: string[];
  subject: string;
  /** Plain text only: nothing from the data is ever interpreted as HTML by a mail client. */
  text: string;
}

/**
 * Sends a plain-text email through the org's SMTP relay (nodemailer): STARTTLS when the server offers it,
 * TLS from the first byte with `secure: true`. The login is read from the environment variables the org file
 * names, and never appears in a message this returns.
 */
/** Retries of a transient SMTP failure (a 4xx reply, a connection that failed or timed out). */
export interface EmailRetryOptions {
  /** Attempts after the first (default 3). */
  retries?: number;
  /** Wait before retry n (0-based), in ms (default 1 s × 2^n). */
  backoffMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Connection-level failures nodemailer reports by code: worth another attempt, like a 4xx reply. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

/**
 * Sends a plain-text email through the org's SMTP relay (nodemailer): STARTTLS when the server offers it,
 * TLS from the first byte with `secure: true`. The login is read from the environment variables the org file
 * names, and never appears in a message this returns. A transient failure (a 4xx reply such as 451, a
 * connection that failed) is retried with backoff; a permanent one (5xx) is not.
 */
export async function sendEmail(
  settings: EmailSettings,
  email: Email,
  env: NodeJS.ProcessEnv = process.env,
  options: EmailRetryOptions = {},
): Promise<Result<{ accepted: number; attempts: number }>> {
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? ((n: number) => 1000 * 2 ** n);
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    const r = await sendOnce(settings, email, env);
    if (r.ok) return ok({ accepted: r.value, attempts: attempt + 1 });
    if (!r.error.transient) return err(r.error.message);
    if (attempt >= retries) return err(`${r.error.message}, after ${attempt + 1} attempts`);
    await sleep(backoff(attempt));
  }
}

async function sendOnce(
  settings: EmailSettings,
  email: Email,
  env: NodeJS.ProcessEnv,
): Promise<Result<number, { message: string; transient: boolean }>> {
  const fail = (message: string, transient = false) => err({ message, transient });
  if (email.to.length === 0) return fail('no recipient address');
  const user = settings.userEnv ? env[settings.userEnv] : undefined;
  const pass = settings.passwordEnv ? env[settings.passwordEnv] : undefined;
  if (settings.userEnv && !user) return fail(`the SMTP user variable ${settings.userEnv} is not set`);
  if (settings.passwordEnv && !pass)
    return fail(`the SMTP password variable ${settings.passwordEnv} is not set`);
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: email.to,
      subject: email.subject.replace(/[\r\n]+/g, ' '),
      text: email.text,
    });
    return ok(Array.isArray(info.accepted) ? info.accepted.length : 0);
  } catch (e) {
    const code = (e as { code?: string; responseCode?: number }).code;
    const status = (e as { responseCode?: number }).responseCode;
    const transient =
      (status !== undefined && status >= 400 && status < 500) ||
      (code !== undefined && TRANSIENT_CODES.has(code));
    return fail(
      `the SMTP server ${settings.host}:${settings.port} refused the email (${code ?? 'error'}${status ? ` ${status}` : ''})`,
      transient,
    );
  } finally {
    transport.close();
  }
}
