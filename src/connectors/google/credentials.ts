import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';

/** Google's OAuth token endpoint, used when a credentials file names none. */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/**
 * The credentials a Google connector reads from the environment variable its `token_env` names, in the forms
 * Google's own tools write them:
 * - a service account key (`"type": "service_account"`, the JSON a console key download holds), as the JSON
 *   text or as the path of the file (what GOOGLE_APPLICATION_CREDENTIALS usually holds). Domain-wide
 *   delegation (Calendar) signs for the person whose calendar is read;
 * - an OAuth user's refresh token (`"type": "authorized_user"`, what `gcloud auth application-default login`
 *   writes), for per-user OAuth;
 * - otherwise the value is taken as an OAuth access token (`gcloud auth print-access-token`), valid an hour.
 */
export type GoogleCredentials =
  | { kind: 'service_account'; email: string; privateKey: string; tokenUri: string }
  | {
      kind: 'authorized_user';
      clientId: string;
      clientSecret: string;
      refreshToken: string;
      tokenUri: string;
    }
  | { kind: 'access_token'; token: string };

const serviceAccountSchema = z.object({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
  /** Google's token endpoint; a key file for a private Google endpoint (or a test) names its own. */
  token_uri: z.url().optional(),
});

const authorizedUserSchema = z.object({
  type: z.literal('authorized_user'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  refresh_token: z.string().min(1),
  token_uri: z.url().optional(),
});

/**
 * Reads the credentials from the variable's value. `where` names the variable for errors, which never quote
 * the value: a key file's content is the secret.
 */
export function readGoogleCredentials(value: string, where: string): GoogleCredentials {
  const text = value.startsWith('{') ? value : fileText(value, where);
  if (text === null) return { kind: 'access_token', token: value };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MileageError(
      'config',
      `${where}: the Google credentials are not JSON`,
      'Give a service account key (the JSON file or its path), an authorized_user file, or an access token.',
    );
  }
  const type = (json as { type?: unknown } | null)?.type;
  const sa = serviceAccountSchema.safeParse(json);
  if (sa.success)
    return {
      kind: 'service_account',
      email: sa.data.client_email,
      privateKey: sa.data.private_key,
      tokenUri: sa.data.token_uri ?? GOOGLE_TOKEN_URI,
    };
  const user = authorizedUserSchema.safeParse(json);
  if (user.success)
    return {
      kind: 'authorized_user',
      clientId: user.data.client_id,
      clientSecret: user.data.client_secret,
      refreshToken: user.data.refresh_token,
      tokenUri: user.data.token_uri ?? GOOGLE_TOKEN_URI,
    };
  const field = (type === 'service_account' ? sa : user).error?.issues[0]?.path.join('.');
  throw new MileageError(
    'config',
    `${where}: ${
      type === 'service_account' || type === 'authorized_user'
        ? `the ${String(type)} credentials lack a valid ${field ?? 'field'}`
        : 'expected Google credentials of type service_account or authorized_user'
    }`,
  );
}

/** A path's text when the value names a file; null when it does not (then it is a token). */
function fileText(value: string, where: string): string | null {
  if (!/[/\\]|\.json$/i.test(value) || !existsSync(value)) return null;
  try {
    return readFileSync(value, 'utf8');
  } catch (cause) {
    throw new MileageError('config', `${where}: the credentials file cannot be read`, undefined, { cause });
  }
}
