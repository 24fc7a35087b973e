import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { createKey, listKeys, revokeKey } from '../../gateway/keys.js';
import {
  expiryOf,
  keySpecOf,
  keySpecSchema,
  specProblem,
  type KeyInfo,
  type KeySpec,
} from '../../gateway/key-spec.js';
import { table } from '../../report/terminal.js';
import type { GlobalOptions } from '../context.js';
import { globalOptions, type Run } from '../run.js';
import { onStore, viaServer } from './tokens.js';

interface CreateOptions extends GlobalOptions {
  team: string;
  person?: string;
  workflow?: string;
  workloadType?: string;
  models?: string;
  expires?: string;
  sandbox?: boolean;
  budget?: string;
  alertAt?: string;
  cap?: string;
}

function specOf(opts: CreateOptions): KeySpec {
  const expiresAt = opts.expires === undefined ? null : expiryOf(opts.expires);
  if (opts.expires !== undefined && expiresAt === null)
    throw new MileageError(
      'usage',
      `--expires expects a date, an instant or a duration (30d, 12h), got "${opts.expires}"`,
    );
  const models = (opts.models ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  return {
    team: opts.team,
    person: opts.person ?? null,
    workflow: opts.workflow ?? null,
    workloadType: opts.workloadType ?? null,
    models: models.length > 0 ? models : null,
    expiresAt,
    sandbox: opts.sandbox === true,
    budgetUsd: opts.budget ?? null,
    alertAt: opts.alertAt ? opts.alertAt.split(',').map((p) => Number(p.trim().replace(/%$/, ''))) : null,
    capUsd: opts.cap ?? null,
  };
}

/** The spec as the admin API would take it: the same schema and rules, so the CLI and the API agree. */
function checkedSpec(spec: KeySpec): KeySpec {
  const parsed = keySpecSchema.safeParse(spec);
  if (!parsed.success)
    throw new MileageError(
      'usage',
      `invalid key: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const checked = keySpecOf(parsed.data);
  const problem = specProblem(checked);
  if (problem) throw new MileageError('usage', problem);
  return checked;
}

/** `mileage keys create|list|revoke`: the gateway's virtual keys, stored hashed, shown once. */
export function registerKeys(program: Command, run: Run): void {
  const keys = program
    .command('keys')
    .description(
      'Virtual keys of `mileage gateway`: each names its team, person, workflow (stored hashed, shown once)',
    );

  globalOptions(keys.command('create'))
    .description('Make a gateway key and print it once')
    .requiredOption('--team <team>', 'the team its spend belongs to')
    .option('--person <person>', 'the person it is issued to (email or login; stored hashed on records)')
    .option('--workflow <workflow>', 'the workflow it serves (a bot, a pipeline)')
    .option('--workload-type <kind>', 'the kind of work (triage, codegen, summarise…)')
    .option('--models <m1,m2>', 'the only models it may call (comma-separated)')
    .option('--expires <when>', 'when it stops working: a date, an instant, or 30d / 12h from now')
    .option('--sandbox', 'a sandbox key (experimentation within safe bounds)')
    .option('--budget <usd>', 'a soft monthly budget in dollars: alerts, never blocks')
    .option('--alert-at <percents>', 'budget percents that alert once each a month', '50,80,100')
    .option(
      '--cap <usd>',
      'a hard monthly cap in dollars (--sandbox keys only): past it, requests are refused',
    )
    .action((opts: CreateOptions) =>
      run(async (term) => {
        const spec = checkedSpec(specOf(opts));
        const made = await onStore(
          opts,
          (ctx) => createKey(ctx.db, spec),
          async (lock) =>
            (await viaServer(lock, 'POST', 'gateway/keys', spec)) as { key: string; id: string },
        );
        if (opts.json) term.out(JSON.stringify(made, null, 2));
        else term.out(made.key);
        term.log(
          `Key ${made.id} (team ${spec.team}${spec.workflow ? `, workflow ${spec.workflow}` : ''}) made. It is shown only now: only its hash is stored.`,
        );
      }),
    );

  globalOptions(keys.command('list'))
    .description('List gateway keys (never the keys themselves)')
    .action((opts: GlobalOptions) =>
      run(async (term) => {
        const list = await onStore(
          opts,
          (ctx) => listKeys(ctx.db),
          async (lock) => ((await viaServer(lock, 'GET', 'gateway/keys')) as { keys: KeyInfo[] }).keys,
        );
        if (opts.json) return term.out(JSON.stringify(list, null, 2));
        term.out(
          table(
            [
              'id',
              'team',
              'person',
              'workflow',
              'type',
              'models',
              'expires',
              'sandbox',
              'budget',
              'cap',
              'revoked',
            ],
            list.map((k) => [
              k.id,
              k.team,
              k.person ?? '',
              k.workflow ?? '',
              k.workloadType ?? '',
              k.models?.join(', ') ?? 'any',
              k.expiresAt?.slice(0, 16) ?? '',
              k.sandbox ? 'yes' : '',
              k.budgetUsd ? `$${k.budgetUsd}` : '',
              k.capUsd ? `$${k.capUsd}` : '',
              k.revokedAt?.slice(0, 16) ?? '',
            ]),
            new Set<number>(),
          ),
        );
      }),
    );

  globalOptions(keys.command('revoke').argument('<id>', 'key id (`mileage keys list`)'))
    .description('Revoke a key: gateways refuse it within their key reload (5 s)')
    .action((id: string, opts: GlobalOptions) =>
      run(async (term) => {
        const revoked = await onStore(
          opts,
          (ctx) => revokeKey(ctx.db, id),
          async (lock) => (await viaServer(lock, 'DELETE', `gateway/keys/${encodeURIComponent(id)}`), true),
        );
        if (!revoked)
          throw new MileageError('not_found', `no live key with id ${id}`, 'See `mileage keys list`.');
        term.log(`Key ${id} revoked.`);
      }),
    );
}
