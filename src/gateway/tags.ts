import type { IncomingHttpHeaders } from 'node:http';
import type { RequestTags } from './record.js';

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() !== '' ? s.trim().slice(0, 200) : undefined;
};

/**
 * Claude Code names its session in every request's `metadata.user_id`: older versions as
 * `user_<hash>_account_<uuid>_session_<uuid>`, newer ones as a JSON text with a `session_id`.
 */
export function claudeCodeSession(userId: unknown): string | undefined {
  if (typeof userId !== 'string') return undefined;
  const m = /_session_([0-9a-f-]{8,64})$/i.exec(userId);
  if (m) return m[1];
  if (!userId.startsWith('{')) return undefined;
  try {
    const doc = JSON.parse(userId) as { session_id?: unknown };
    return typeof doc.session_id === 'string' && doc.session_id !== '' ? doc.session_id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the client says about where the request belongs: explicit `x-mileage-session` / `x-mileage-branch` /
 * `x-mileage-workflow` headers first, then Claude Code's own session in the request metadata.
 */
export function requestTags(headers: IncomingHttpHeaders, metadataUserId: unknown): RequestTags {
  return {
    sessionId: header(headers, 'x-mileage-session') ?? claudeCodeSession(metadataUserId),
    branch: header(headers, 'x-mileage-branch'),
    workflow: header(headers, 'x-mileage-workflow'),
  };
}
