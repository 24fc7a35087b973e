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
export async function sendEmail(
  settings: EmailSettings,
  email: Email,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Result<{ accepted: number }>> {
  if (email.to.length === 0) return err('no recipient address');
  const user = settings.userEnv ? env[settings.userEnv] : undefined;
  const pass = settings.passwordEnv ? env[settings.passwordEnv] : undefined;
  if (settings.userEnv && !user) return err(`the SMTP user variable ${settings.userEnv} is not set`);
  if (settings.passwordEnv && !pass)
    return err(`the SMTP password variable ${settings.passwordEnv} is not set`);
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
    return ok({ accepted: Array.isArray(info.accepted) ? info.accepted.length : 0 });
  } catch (e) {
    const code = (e as { code?: string; responseCode?: number }).code;
    const status = (e as { responseCode?: number }).responseCode;
    return err(
      `the SMTP server ${settings.host}:${settings.port} refused the email (${code ?? 'error'}${status ? ` ${status}` : ''})`,
    );
  } finally {
    transport.close();
  }
}
