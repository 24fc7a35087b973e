/**
 * What an error may say about a request: the method, host and path, never the query string (some APIs take
 * keys there) and never headers. Any secret the client holds is scrubbed from every text it emits.
 */
export function describeEndpoint(method: string, url: URL): string {
  return `${method} ${url.host}${url.pathname}`;
}

/** Replaces each secret (and each secret's URL-encoded form) in a text with `[redacted]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('[redacted]');
  }
  return out;
}
