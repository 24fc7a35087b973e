import { createSign } from 'node:crypto';
import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import type { HttpClient } from '../http/client.js';
import type { GoogleCredentials } from './credentials.js';

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
});

/** Tokens are renewed this long before Google says they expire, so none runs out mid-request. */
const RENEW_EARLY_MS = 5 * 60_000;
const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * OAuth access tokens for Google APIs, from the credentials (credentials.ts): a service account signs a JWT
 * (RS256, Google's two-legged flow) — with `sub` set for domain-wide delegation, one token per impersonated
 * person —, an authorized user trades its refresh token, a given access token is used as is. Tokens are kept
 * in memory for their lifetime only and sent as a header per request: never stored, never logged.
 */
export class GoogleTokens {
  private readonly cache = new Map<string, { token: string; until: number }>();

  constructor(
    private readonly creds: GoogleCredentials,
    private readonly http: HttpClient,
    private readonly scopes: readonly string[],
    private readonly now: () => number,
  ) {}

  /** The Authorization header for a request; `subject` is the person a delegated service account acts as. */
  async header(signal?: AbortSignal, subject?: string): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.token(signal, subject)}` };
  }

  private async token(signal?: AbortSignal, subject?: string): Promise<string> {
    if (this.creds.kind === 'access_token') return this.creds.token;
    const key = subject ?? '';
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.token;
    const form =
      this.creds.kind === 'service_account'
        ? new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion: this.assertion(this.creds, subject),
          })
        : new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: this.creds.clientId,
            client_secret: this.creds.clientSecret,
            refresh_token: this.creds.refreshToken,
          });
    const url = new URL(this.creds.tokenUri);
    const res = await this.http.requestJson({ method: 'POST', url, form, signal, omitAuth: true });
    const parsed = tokenSchema.safeParse(res.body);
    if (!parsed.success)
      throw new MileageError('upstream', `POST ${url.host}${url.pathname}: expected an OAuth access token`);
    const lifetime = (parsed.data.expires_in ?? 3600) * 1000;
    this.cache.set(key, {
      token: parsed.data.access_token,
      until: this.now() + Math.max(0, lifetime - RENEW_EARLY_MS),
    });
    return parsed.data.access_token;
  }

  /** The signed JWT a service account trades for a token: an hour long, for the connector's scopes. */
  private assertion(
    sa: Extract<GoogleCredentials, { kind: 'service_account' }>,
    subject: string | undefined,
  ): string {
    const iat = Math.floor(this.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const claims = base64url(
      JSON.stringify({
        iss: sa.email,
        scope: this.scopes.join(' '),
        aud: sa.tokenUri,
        iat,
        exp: iat + 3600,
        ...(subject ? { sub: subject } : {}),
      }),
    );
    try {
      const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(sa.privateKey);
      return `${header}.${claims}.${base64url(signature)}`;
    } catch (cause) {
      // The key's text never goes into the message.
      throw new MileageError(
        'config',
        'the service account private_key cannot sign (not an RSA key)',
        undefined,
        {
          cause,
        },
      );
    }
  }
}
