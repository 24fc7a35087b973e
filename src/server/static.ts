import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The dashboard's Content-Security-Policy: scripts, styles, fonts and API calls from this server only, no
 * plugins, no framing, no form posts elsewhere. Styles allow inline attributes because ECharts writes its
 * tooltips and labels as HTML with style attributes; scripts never run inline.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const DASHBOARD_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** web/dist of this package: two folders up from src/server or dist/server. */
export function defaultWebRoot(): string {
  return new URL('../../web/dist/', import.meta.url).pathname;
}

async function file(path: string): Promise<Buffer | null> {
  try {
    return (await stat(path)).isFile() ? await readFile(path) : null;
  } catch {
    return null;
  }
}

/**
 * The built dashboard: a file under `root` when the path names one, else index.html (the single-page app
 * routes in the browser). Paths are normalised and must stay under the root.
 */
export async function serveDashboard(root: string | null, pathname: string): Promise<Response> {
  if (!root) return new Response('no dashboard is served by this server\n', { status: 404 });
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return new Response('bad path\n', { status: 400 });
  }
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  const target = normalize(join(base, decoded));
  if (target.startsWith(base) && target !== base) {
    const body = await file(target);
    if (body) {
      return new Response(new Uint8Array(body), {
        headers: {
          'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
          'cache-control': target.includes(`${sep}assets${sep}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
          ...DASHBOARD_HEADERS,
        },
      });
    }
  }
  const index = await file(join(base, 'index.html'));
  if (!index) {
    return new Response('the dashboard is not built (npm run build in web/)\n', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  return new Response(new Uint8Array(index), {
    headers: {
      'content-type': TYPES['.html'] as string,
      'cache-control': 'no-cache',
      ...DASHBOARD_HEADERS,
    },
  });
}
