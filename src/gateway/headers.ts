import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Connection-level headers (RFC 9110 §7.6.1): they belong to one hop and are never forwarded. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Never sent upstream besides the hop-by-hop ones: the client's own host and length (the gateway sets its
 * own), its virtual key in any of the three places a client puts it (`api-key` is Azure's), and
 * `accept-encoding`.
 */
const DROPPED_UP = new Set([
  ...HOP,
  'host',
  'content-length',
  'authorization',
  'x-api-key',
  'api-key',
  'accept-encoding',
]);

/**
 * The client's headers as sent upstream: hop-by-hop headers dropped, the virtual key and Mileage's own tags
 * dropped (the provider sees the organisation's credential, set by the caller), and `accept-encoding`
 * dropped so the answer comes uncompressed and its usage can be read on the side.
 */
export function upstreamHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  // for…in over Node's header object: no entry arrays on the hot path.
  for (const name in h) {
    const value = h[name];
    if (value === undefined || DROPPED_UP.has(name) || name.startsWith('x-mileage-')) continue;
    out[name] = value;
  }
  return out;
}

/** The provider's answer headers as sent to the client: hop-by-hop dropped, and the length when the body changes. */
export function downstreamHeaders(h: IncomingHttpHeaders, bodyChanges: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in h) {
    const value = h[name];
    if (value === undefined || HOP.has(name)) continue;
    if (bodyChanges && name === 'content-length') continue;
    out[name] = value;
  }
  return out;
}

/**
 * The key a client presents: Anthropic's `x-api-key`, Azure's `api-key`, or a bearer token (Claude Code's
 * ANTHROPIC_AUTH_TOKEN, OpenAI SDKs).
 */
export function presentedKey(h: IncomingHttpHeaders): string | null {
  const apiKey = h['x-api-key'] ?? h['api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey.trim();
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h.authorization ?? '');
  return m?.[1] ?? null;
}
