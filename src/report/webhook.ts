import { createHmac } from 'node:crypto';
import type { Result } from '../domain/result.js';
import { postJson, type PostOptions } from './post-json.js';

/**
 * A generic webhook: the JSON body is signed with HMAC-SHA256 under a shared secret, over
 * `<timestamp>.<body>` so a captured request cannot be replayed later with a new timestamp. The receiver
 * recomputes it and compares in constant time:
 *   X-Mileage-Timestamp: 1733577600
 *   X-Mileage-Signature: sha256=<hex of HMAC-SHA256(secret, "1733577600." + body)>
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function postSignedWebhook(
  url: string,
  secret: string,
  payload: object,
  options: PostOptions & { now?: () => Date } = {},
): Promise<Result<{ attempts: number }>> {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  return postJson(
    url,
    body,
    'the webhook',
    {
      'x-mileage-timestamp': String(timestamp),
      'x-mileage-signature': webhookSignature(secret, timestamp, body),
      'user-agent': 'mileage-webhook',
    },
    options,
  );
}
