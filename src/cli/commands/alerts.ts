import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { dayOf } from '../../domain/time.js';
import { channelsFor } from '../../governance/channels.js';
import { managerDigests } from '../../governance/digest.js';
import { listAlerts, type StoredAlert } from '../../governance/history.js';
import { runAlerts } from '../../governance/run.js';
import { table } from '../../report/terminal.js';
import { openContext, type GlobalOptions } from '../context.js';
import { governanceRuntime, reportRun } from '../governance.js';
import { apiGet, ownedByServer, runningServer } from '../remote.js';
import { dayOption, globalOptions, type Run } from '../run.js';
import type { Terminal } from '../terminal.js';

type ListOptions = GlobalOptions & { state?: string };
type CheckOptions = GlobalOptions & { asOf?: string };
type DigestOptions = GlobalOptions & { asOf?: string; send?: boolean };

function printAlerts(term: Terminal, alerts: StoredAlert[], json: boolean | undefined): void {
  if (json) {
    term.out(JSON.stringify({ alerts }, null, 2));
    return;
  }
  if (alerts.length === 0) {
    term.log('No alerts.');
    return;
  }
  term.out(
    table(
      ['updated', 'rule', 'level', 'state', 'sent', 'title', 'id'],
      alerts.map((a) => [
        a.updatedAt.slice(0, 16),
        a.rule,
        String(a.level),
        a.state,
        String(a.notifications),
        a.title,
        a.id,
      ]),
      new Set([2, 4]),
    ),
  );
}

/** `mileage alerts list|check|digest`: the alert history, the rules run now, the managers' weekly digest. */
export function registerAlerts(program: Command, run: Run): void {
  const alerts = program
    .command('alerts')
    .description('Budgets and alert rules: history, evaluation, digests');

  globalOptions(
    alerts
      .command('list')
      .description('The alert history, newest first (through the server when one owns the store)')
      .option('--state <state>', 'open | acknowledged | muted'),
  ).action((opts: ListOptions) =>
    run(async (term) => {
      const since = opts.since ? dayOption(opts.since, '--since') : undefined;
      const server = runningServer(opts);
      if (server) {
        const body = (await apiGet(server, 'alerts', { state: opts.state, since })) as {
          alerts: StoredAlert[];
        };
        printAlerts(term, body.alerts, opts.json);
        return;
      }
      if (opts.state !== undefined && !['open', 'acknowledged', 'muted'].includes(opts.state))
        throw new MileageError('usage', `--state expects open, acknowledged or muted, got "${opts.state}"`);
      const ctx = await openContext(opts);
      try {
        const list = await listAlerts(ctx.db, {
          ...(since ? { since } : {}),
          ...(opts.state ? { state: opts.state as StoredAlert['state'] } : {}),
        });
        printAlerts(term, list, opts.json);
      } finally {
        await ctx.db.close();
      }
    }),
  );

  globalOptions(
    alerts
      .command('check')
      .description('Evaluate the budgets and alert rules of mileage.yaml now and send what is new')
      .option('--as-of <day>', 'the last day evaluated (default today in the org time zone)'),
  ).action((opts: CheckOptions) =>
    run(async (term) => {
      const server = runningServer(opts);
      const ctx = await openContext(opts);
      try {
        if (server) throw ownedByServer(server, ctx.db.location);
        const runtime = await governanceRuntime(ctx.directory);
        if (!runtime)
          throw new MileageError(
            'config',
            'mileage.yaml has no budgets: or alerts: section, so there is nothing to evaluate',
            'Add a budget or an alerts: section (see docs/governance.md).',
          );
        const summary = await runAlerts({
          db: ctx.db,
          runtime,
          ...(opts.asOf ? { asOf: dayOption(opts.asOf, '--as-of') } : {}),
          log: (m) => term.warn(m),
        });
        reportRun(summary, term);
        if (opts.json) term.out(JSON.stringify(summary, null, 2));
        else
          term.log(
            `${summary.candidates} alert conditions as of ${summary.asOf}: ${summary.sent.length} new or escalated, ${summary.repeats} already sent (${summary.ms.toFixed(0)} ms).`,
          );
      } finally {
        await ctx.db.close();
      }
    }),
  );

  globalOptions(
    alerts
      .command('digest')
      .description("Each team manager's weekly digest of the team's alerts and how they ended")
      .option('--as-of <day>', 'the last day of the week (default today)')
      .option('--send', 'email each digest to its manager (notify.email)'),
  ).action((opts: DigestOptions) =>
    run(async (term) => {
      const ctx = await openContext(opts);
      try {
        const runtime = await governanceRuntime(ctx.directory);
        if (!runtime) throw new MileageError('config', 'mileage.yaml has no budgets: or alerts: section');
        const asOf = opts.asOf
          ? dayOption(opts.asOf, '--as-of')
          : dayOf(new Date(), runtime.directory.timeZone);
        const digests = await managerDigests(ctx.db, runtime, asOf);
        const channels = channelsFor(runtime.directory.notify, ['email'], runtime.env);
        const sent: Record<string, string> = {};
        for (const d of digests) {
          if (opts.send)
            sent[d.teamId] = d.email.to.length
              ? await channels.email(d.email)
              : 'not sent: the manager has no email in mileage.yaml';
          if (opts.json) continue;
          term.out(
            `To the manager of ${d.teamId} <${d.email.to.join(', ') || 'no address'}>: ${d.email.subject}\n${d.email.text}`,
          );
          if (opts.send) term.log(`  email: ${sent[d.teamId] ?? ''}`);
        }
        if (opts.json) term.out(JSON.stringify({ digests, ...(opts.send ? { sent } : {}) }, null, 2));
      } finally {
        await ctx.db.close();
      }
    }),
  );
}
