import type { MiddlewareHandler } from 'hono';
import type { Db } from '../store/db.js';
import { apiError } from './errors.js';
import { findToken, hashToken, type Principal, type Role } from './tokens.js';

export type AppEnv = { Variables: { principal: Principal } };

/**
 * Who holds which token. Stored tokens are looked up by hash once and remembered (the server owns the
 * store, so a revocation goes through it and calls `forget`); session tokens made at start-up live only in
 * memory. Over a shared store (ClickHouse) other servers revoke tokens too, so a lookup is remembered for
 * `rememberMs` only: a token revoked elsewhere stops working here within that time.
 */
export class TokenBook {
  private readonly known = new Map<string, { principal: Principal | null; at: number }>();
  private readonly sessions = new Map<string, Principal>();

  constructor(
    private readonly db: Db,
    private readonly rememberMs: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Registers an in-memory token (the admin session printed with the dashboard URL). */
  addSession(token: string, principal: Principal): void {
    this.sessions.set(hashToken(token), principal);
  }

  async principal(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    const session = this.sessions.get(hash);
    if (session) return session;
    const known = this.known.get(hash);
    if (known && Date.now() - known.at < this.rememberMs) return known.principal;
    const found = await findToken(this.db, token);
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(hash, { principal: found, at: Date.now() });
    return found;
  }

  /** Forgets every cached lookup (after a token is made or revoked). */
  forget(): void {
    this.known.clear();
  }
}

/** The bearer token of a request, if it has one. */
export function bearer(request: Request): string | null {
  const header = request.headers.get('authorization') ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}

/** 401 without a known token; the principal is set for the handlers after. */
export function authenticate(book: TokenBook): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c.req.raw);
    if (!token) return apiError('unauthorized', 'missing bearer token (Authorization: Bearer <token>)');
    const principal = await book.principal(token);
    if (!principal) return apiError('unauthorized', 'unknown or revoked token');
    c.set('principal', principal);
    await next();
    return undefined;
  };
}

/** 403 unless the caller's role is one of `roles`. */
export function allow(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { role } = c.get('principal');
    if (!roles.includes(role)) {
      return apiError('forbidden', `a ${role} token cannot use this endpoint (needs ${roles.join(' or ')})`);
    }
    await next();
    return undefined;
  };
}

/** Roles that read the store. Ingest-only tokens read nothing. */
export const READERS: Role[] = ['admin', 'manager', 'viewer'];
/** Roles that write records. */
export const WRITERS: Role[] = ['admin', 'ingest'];
