import type { Command } from 'commander';
import { gatewayCapture } from './audit-capture-settings.js';
import { MileageError } from '../../domain/errors.js';
import { emptyDirectory, type OrgDirectory } from '../../domain/directory.js';
import type { BudgetAlert } from '../../gateway/budgets.js';
import type { KeyEntry } from '../../gateway/key-spec.js';
import type { Db } from '../../store/db.js';
import type { RecordStore } from '../../gateway/remote.js';
import { isSharedStore, resolveDbPath } from '../../store/open.js';
import { openContext, type GlobalOptions } from '../context.js';
import { governanceRuntime } from '../governance.js';
import { runningServer } from '../remote.js';
import { globalOptions, intOption, type Run } from '../run.js';

interface GatewayOptions extends GlobalOptions {
  host: string;
  port: string;
  server?: string;
  spool?: string;
  timeout: string;
  captureDir?: string;
}

/**
 * `mileage gateway`: the attribution proxy. It ships its records to the server that owns the store (`--server`
 * with an ingest token in MILEAGE_GATEWAY_TOKEN, or the `mileage serve` of this store found by its lock file);
 * with no server it owns the store itself. Runs until SIGINT or SIGTERM, then drains answers in flight and
 * ships what is spooled.
 */
export function registerGateway(program: Command, run: Run): void {
  globalOptions(program.command('gateway'))
    .description('Attribution gateway: virtual keys in front of Anthropic and OpenAI, every request metered')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '4100')
    .option('--server <url>', 'the `mileage serve` to ship records to (token in MILEAGE_GATEWAY_TOKEN)')
    .option(
      '--spool <dir>',
      "the gateway's append-only log (default: beside the store, <store>.gateway-spool)",
    )
    .option('--timeout <seconds>', 'answer 504 when the provider sends nothing for this long', '600')
    .option(
      '--capture-dir <dir>',
      'where sampled requests of workflows that opted in (audit_capture in mileage.yaml) are kept for audits',
    )
    .action((opts: GatewayOptions) =>
      run(async (term) => {
        // Listening for the stop signal from the start: a SIGTERM that came between printing the URL and
        // listening would end the process at once, leaving the spool to the next start (the kill bench saw it).
        const stop = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        const port = intOption(opts.port, '--port', 0, 65_535);
        const timeoutMs = intOption(opts.timeout, '--timeout', 1, 86_400) * 1000;
        const storePath = resolveDbPath(opts.db, process.env, process.cwd());
        const { ServerLink } = await import('../../gateway/remote.js');
        const { runGateway } = await import('../../gateway/run-gateway.js');
        const { upstreamsFromEnv } = await import('../../gateway/upstreams.js');
        let store: RecordStore;
        let loadKeys: () => Promise<KeyEntry[]>;
        let stopShipping: (() => void) | undefined;
        let closeStore: () => Promise<void> = () => Promise.resolve();
        let raiseAlert: ((a: BudgetAlert) => Promise<void>) | undefined;
        const lock = opts.server ? null : runningServer(opts);
        if (opts.server || lock) {
          const token = opts.server ? process.env.MILEAGE_GATEWAY_TOKEN : lock?.token;
          if (!token)
            throw new MileageError(
              'usage',
              '--server needs a token in MILEAGE_GATEWAY_TOKEN',
              'Make one with `mileage tokens create --role ingest` on the server.',
            );
          const link = new ServerLink(new URL(opts.server ?? lock?.url ?? ''), token);
          store = link;
          loadKeys = () => link.keys();
          stopShipping = () => link.close();
          raiseAlert = (a) => link.alert(a);
          term.log(`Shipping records to ${opts.server ?? lock?.url}.`);
        } else {
          // Over ClickHouse the gateway's appends are async inserts (the server gathers many gateways' small
          // inserts); its keys come from the store's gateway_keys table like the embedded store's.
          const shared = isSharedStore(storePath);
          const ctx = await openContext(opts, { inserts: 'async' });
          const { liveKeys } = await import('../../gateway/keys.js');
          // The writer's appends and the alert history's writes take turns on the one store.
          const exclusive = turns();
          store = {
            appendUsage: (records) => exclusive(() => ctx.db.appendUsage(records)),
            query: ctx.db.query.bind(ctx.db),
          };
          loadKeys = () => liveKeys(ctx.db);
          closeStore = () => ctx.db.close();
          if (shared) {
            // The alert history (governance/history.ts) has no ClickHouse tables yet: a crossing is logged,
            // counted in /metrics and sent to MILEAGE_GATEWAY_ALERT_WEBHOOK, but not kept (docs/clickhouse.md).
            term.log(
              `Writing records to ${ctx.db.location}; keys from its gateway_keys table (several gateways may share it). Budget alerts are logged and sent to MILEAGE_GATEWAY_ALERT_WEBHOOK; the alert history is not kept on ClickHouse yet.`,
            );
          } else {
            raiseAlert = await ownedAlertHistory(ctx.db, ctx.directory ?? emptyDirectory(), exclusive);
            term.log(`No server runs for ${storePath}: the gateway owns the store (stop it to manage keys).`);
          }
        }
        const upstreams = upstreamsFromEnv(process.env);
        for (const up of Object.values(upstreams))
          if (up && !up.credential)
            term.warn(`no ${up.provider} credential in the environment: its requests get 503`);
        const capture = await gatewayCapture(opts, term);
        const gw = await runGateway({
          capture,
          host: opts.host,
          port,
          // A shared store is a URL, not a file to put a spool beside: its gateways keep theirs under .mileage/.
          spoolDir:
            opts.spool ??
            (isSharedStore(storePath) ? '.mileage/gateway-spool' : `${storePath}.gateway-spool`),
          upstreams,
          store,
          loadKeys,
          stopShipping,
          timeoutMs,
          alertWebhook: process.env.MILEAGE_GATEWAY_ALERT_WEBHOOK || undefined,
          raiseAlert,
          log: (m) => term.warn(m),
        });
        term.out(gw.url);
        term.log(
          `Gateway on ${gw.url} (${gw.keys.size} keys): ANTHROPIC_BASE_URL=${gw.url} ANTHROPIC_AUTH_TOKEN=<key>, OPENAI_BASE_URL=${gw.url}/v1 OPENAI_API_KEY=<key>. Ctrl-C stops.`,
        );
        await stop;
        term.log('Stopping: draining answers in flight, shipping spooled records…');
        await gw.stop();
        await closeStore();
        const s = gw.writerStats;
        term.log(
          `Shipped ${s.written} records (${s.alreadyStored} already stored, ${s.failed} left in the spool).`,
        );
      }),
    );
}

/**
 * A gateway that owns the store raises its budget crossings into that store's alert history itself, through
 * the org file's routes and channels (or only the history, when the file asks for no alerting).
 */
async function ownedAlertHistory(
  db: Db,
  directory: OrgDirectory,
  exclusive: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<(a: BudgetAlert) => Promise<void>> {
  const { defaultGovernance } = await import('../../governance/config.js');
  const { gatewayBudgetCandidate, raiseAlert } = await import('../../governance/index.js');
  const runtime = (await governanceRuntime(directory)) ?? { directory, settings: defaultGovernance() };
  return async (a) => {
    const teamName = directory.teams.find((t) => t.id === a.team)?.name ?? a.team;
    await raiseAlert({ db, runtime, exclusive }, gatewayBudgetCandidate(a, teamName));
  };
}

/** Runs the works given to it one after the other, each after the previous one settled. */
function turns(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };
}
