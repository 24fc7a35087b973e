import type { Command } from 'commander';
import { gatewayCapture } from './audit-capture-settings.js';
import { MileageError } from '../../domain/errors.js';
import type { BudgetAlert } from '../../gateway/budgets.js';
import type { GatewayWriter } from '../gateway-writer.js';
import type { KeyEntry } from '../../gateway/key-spec.js';
import { isSharedStore, resolveDbPath } from '../../store/open.js';
import type { GlobalOptions } from '../context.js';
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
        const { runGateway } = await import('../../gateway/run-gateway.js');
        const { upstreamsFromEnv } = await import('../../gateway/upstreams.js');
        const { GatewayWriter, WRITER_MEMORY_LIMIT_MB, WRITER_PASS_MS, WRITER_THREADS } =
          await import('../gateway-writer.js');
        // A shared store (ClickHouse) is a URL, not a file to put a spool beside: its gateways keep theirs
        // under .mileage/ (several gateways on one machine each need their own --spool).
        const spoolDir =
          opts.spool ?? (isSharedStore(storePath) ? '.mileage/gateway-spool' : `${storePath}.gateway-spool`);
        // The log is sealed every second; the writer stores what is sealed every WRITER_PASS_MS.
        const flushMs = 1_000;
        const lock = opts.server ? null : runningServer(opts);
        const log = (m: string) => term.warn(m);
        let writer: GatewayWriter;
        let loadKeys: () => Promise<KeyEntry[]>;
        let raiseAlert: (a: BudgetAlert) => Promise<void>;
        if (opts.server || lock) {
          const token = opts.server ? process.env.MILEAGE_GATEWAY_TOKEN : lock?.token;
          if (!token)
            throw new MileageError(
              'usage',
              '--server needs a token in MILEAGE_GATEWAY_TOKEN',
              'Make one with `mileage tokens create --role ingest` on the server.',
            );
          const url = opts.server ?? lock?.url ?? '';
          const { ServerLink } = await import('../../gateway/remote.js');
          // Keys and alerts from this thread (a request now and then); the records from the writer thread.
          const link = new ServerLink(new URL(url), token);
          loadKeys = () => link.keys();
          raiseAlert = (a) => link.alert(a);
          writer = await GatewayWriter.start(
            { kind: 'server', url, token, spoolDir, passMs: WRITER_PASS_MS },
            log,
          );
          term.log(`Shipping records to ${url}.`);
        } else {
          // The store is the writer thread's: keys, alerts and records all go through it.
          const owned = await GatewayWriter.start(
            {
              kind: 'owned',
              opts: { ...opts, db: storePath },
              memoryLimitMb: WRITER_MEMORY_LIMIT_MB,
              threads: WRITER_THREADS,
              spoolDir,
              passMs: WRITER_PASS_MS,
            },
            log,
          );
          writer = owned;
          loadKeys = () => owned.keys();
          raiseAlert = (a) => owned.alert(a);
          term.log(
            isSharedStore(storePath)
              ? `Writing records to ${storePath}; keys from its gateway_keys table (several gateways may share it). Budget alerts are logged and sent to MILEAGE_GATEWAY_ALERT_WEBHOOK; the alert history is not kept on ClickHouse yet.`
              : `No server runs for ${storePath}: the gateway owns the store (stop it to manage keys).`,
          );
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
          spoolDir,
          upstreams,
          drain: writer,
          loadKeys,
          stopShipping: () => writer.stopShipping(),
          flushMs,
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
        const s = gw.writerStats;
        term.log(
          `Shipped ${s.written} records (${s.alreadyStoredKnown ? `${s.alreadyStored} already stored` : 'already stored ones not counted: the store deduplicates at read'}, ${s.failed} left in the spool).`,
        );
      }),
    );
}
