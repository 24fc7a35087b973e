import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { table } from '../../report/terminal.js';
import {
  createToken,
  listTokens,
  revokeToken,
  ROLES,
  type Role,
  type TokenInfo,
} from '../../server/tokens.js';
import { openContext, type GlobalOptions } from '../context.js';
import { runningServer } from '../remote.js';
import { globalOptions, type Run } from '../run.js';
import type { ServerLock } from '../server-lock.js';

interface CreateOptions extends GlobalOptions {
  role: string;
  team?: string[];
  name?: string;
}

/** Administration through the server that owns the store (tokens here, gateway keys in keys.ts). */
export async function viaServer(
  lock: ServerLock,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(new URL(`/api/v1/${path}`, lock.url), {
    method,
    headers: { authorization: `Bearer ${lock.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
  if (!res.ok) {
    throw new MileageError(
      res.status === 404 ? 'not_found' : 'usage',
      json?.error?.message ?? `HTTP ${res.status}`,
    );
  }
  return json;
}

/** Runs `local` on the store, or `remote` through the server when one owns it. */
export async function onStore<T>(
  opts: GlobalOptions,
  local: (ctx: Awaited<ReturnType<typeof openContext>>) => Promise<T>,
  remote: (lock: ServerLock) => Promise<T>,
): Promise<T> {
  const lock = runningServer(opts);
  if (lock) return remote(lock);
  const ctx = await openContext(opts);
  try {
    return await local(ctx);
  } finally {
    await ctx.db.close();
  }
}

/** `mileage tokens create|list|revoke`: API tokens of `mileage serve`, stored hashed, shown once. */
export function registerTokens(program: Command, run: Run): void {
  const tokens = program
    .command('tokens')
    .description('API tokens for `mileage serve` (stored hashed, shown once)');

  globalOptions(tokens.command('create'))
    .description('Make a token and print it once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--team <team...>', 'teams a manager token is scoped to (repeatable)')
    .option('--name <name>', 'what the token is for')
    .action((opts: CreateOptions) =>
      run(async (term) => {
        if (!(ROLES as readonly string[]).includes(opts.role)) {
          throw new MileageError('usage', `--role expects one of ${ROLES.join(', ')}, got "${opts.role}"`);
        }
        const role = opts.role as Role;
        const teams = (opts.team ?? []).flatMap((t) => t.split(',')).filter(Boolean);
        if (role === 'manager' && teams.length === 0)
          throw new MileageError('usage', 'a manager token needs --team');
        if (role !== 'manager' && teams.length > 0)
          throw new MileageError('usage', '--team scopes manager tokens only');
        const spec = { role, teams: role === 'manager' ? teams : null, name: opts.name ?? null };
        const made = await onStore(
          opts,
          (ctx) => createToken(ctx.db, spec),
          async (lock) =>
            (await viaServer(lock, 'POST', 'tokens', {
              role,
              ...(spec.teams ? { teams: spec.teams } : {}),
              ...(spec.name ? { name: spec.name } : {}),
            })) as { token: string; id: string },
        );
        if (opts.json) term.out(JSON.stringify(made, null, 2));
        else term.out(made.token);
        term.log(
          `Token ${made.id} (${role}${spec.teams ? ` of ${spec.teams.join(', ')}` : ''}) made. It is shown only now: only its hash is stored.`,
        );
      }),
    );

  globalOptions(tokens.command('list'))
    .description('List tokens (never the tokens themselves)')
    .action((opts: GlobalOptions) =>
      run(async (term) => {
        const list = await onStore(
          opts,
          (ctx) => listTokens(ctx.db),
          async (lock) => ((await viaServer(lock, 'GET', 'tokens')) as { tokens: TokenInfo[] }).tokens,
        );
        if (opts.json) return term.out(JSON.stringify(list, null, 2));
        term.out(
          table(
            ['id', 'role', 'teams', 'name', 'created', 'revoked'],
            list.map((t) => [
              t.tokenId,
              t.role,
              t.teams?.join(', ') ?? '',
              t.name ?? '',
              t.createdAt.slice(0, 16),
              t.revokedAt?.slice(0, 16) ?? '',
            ]),
            new Set<number>(),
          ),
        );
      }),
    );

  globalOptions(tokens.command('revoke').argument('<id>', 'token id (`mileage tokens list`)'))
    .description('Revoke a token: it stops working at once')
    .action((id: string, opts: GlobalOptions) =>
      run(async (term) => {
        const revoked = await onStore(
          opts,
          (ctx) => revokeToken(ctx.db, id),
          async (lock) => (await viaServer(lock, 'DELETE', `tokens/${encodeURIComponent(id)}`), true),
        );
        if (!revoked)
          throw new MileageError('not_found', `no live token with id ${id}`, 'See `mileage tokens list`.');
        term.log(`Token ${id} revoked.`);
      }),
    );
}
