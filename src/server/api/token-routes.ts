import { Hono } from 'hono';
import { z } from 'zod';
import { parseJsonText } from '../../domain/json-depth.js';
import { allow, type AppEnv } from '../auth.js';
import { readBody } from '../body.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { createToken, listTokens, revokeToken, ROLES } from '../tokens.js';

const tokenSpec = z.strictObject({
  role: z.enum(ROLES),
  teams: z.array(z.string().min(1).max(200)).max(50).optional(),
  name: z.string().max(200).optional(),
});

/**
 * Token administration (admin only), so `mileage tokens …` works while the server owns the store: list
 * (never the tokens themselves, which are not stored), create (the token is in this one answer), revoke.
 */
export function tokenRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/tokens', allow('admin'));
  app.use('/tokens/*', allow('admin'));

  app.get('/tokens', async (c) => c.json({ tokens: await listTokens(deps.db) }));

  app.post('/tokens', async (c) => {
    const body = await readBody(c.req.raw, 16 * 1024);
    if (!body.ok) throw new HttpError('bad_request', body.error.message);
    const doc = parseJsonText(body.value.toString('utf8'));
    if (!doc.ok) throw new HttpError('bad_request', `the body: ${doc.message}`);
    const spec = tokenSpec.safeParse(doc.value);
    if (!spec.success)
      throw new HttpError('bad_request', `invalid token request: ${spec.error.issues[0]?.message ?? ''}`);
    const { role, teams, name } = spec.data;
    if (role === 'manager' && !teams?.length)
      throw new HttpError('bad_request', 'a manager token needs teams');
    const made = await deps.maintenance.exclusive(() =>
      createToken(deps.db, { role, teams: role === 'manager' ? (teams ?? []) : null, name: name ?? null }),
    );
    deps.tokens.forget();
    return c.json(made, 201);
  });

  app.delete('/tokens/:id', async (c) => {
    const revoked = await deps.maintenance.exclusive(() => revokeToken(deps.db, c.req.param('id')));
    deps.tokens.forget();
    if (!revoked) throw new HttpError('not_found', 'no live token with this id');
    return c.json({ revoked: c.req.param('id') });
  });

  return app;
}
