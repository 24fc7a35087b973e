import type { MiddlewareHandler } from 'hono';
import { isIP } from 'node:net';

/**
 * The Host header check that stops DNS rebinding (issue 19): a web page the user visits can make its own
 * domain resolve to 127.0.0.1 and then post to the local receiver "same-origin". Such a request carries the
 * attacker's name in Host, so the server answers only requests addressed to a name it knows:
 * - loopback names (`localhost`) and any IP address literal (rebinding needs a DNS name, so an address in
 *   Host is never one an attacker's page can use);
 * - the name given with `--host`, and the public names configured (`--public-name`, `server.public_names`).
 * A request without Host (HTTP/1.0 tools) carries no name to check and is let through.
 */
export const LOOPBACK_NAMES = ['localhost'] as const;

/** The host name of a Host header value: lower case, without the port, brackets kept off IPv6 literals. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('['))
    return value.slice(1, value.indexOf(']') === -1 ? undefined : value.indexOf(']'));
  const colon = value.lastIndexOf(':');
  return (colon === -1 ? value : value.slice(0, colon)).replace(/\.$/, '');
}

export function isLoopbackAddress(host: string): boolean {
  const name = hostName(host);
  return (
    (LOOPBACK_NAMES as readonly string[]).includes(name) ||
    name === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(name) ||
    name === '::ffff:127.0.0.1'
  );
}

/** The names a server answers to: loopback names, the listening host when it is a name, the public names. */
export function allowedHostNames(listenHost: string, publicNames: readonly string[]): Set<string> {
  const names = new Set<string>(LOOPBACK_NAMES);
  const listening = hostName(listenHost);
  if (listening && isIP(listening) === 0) names.add(listening);
  for (const n of publicNames) names.add(hostName(n));
  return names;
}

export function hostAllowed(header: string | undefined, names: ReadonlySet<string>): boolean {
  if (header === undefined || header === '') return true;
  const name = hostName(header);
  return isIP(name) !== 0 || names.has(name);
}

/** 421 Misdirected Request for a Host the server does not answer to, before any route runs. */
export function checkHost(names: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host');
    if (!hostAllowed(host, names)) {
      return c.text(
        `this server does not answer to the host name "${hostName(host ?? '')}" (allowed: ${[...names].join(', ')} and IP addresses); add it with serve --public-name or server.public_names in mileage.yaml\n`,
        421,
      );
    }
    await next();
    return undefined;
  };
}
