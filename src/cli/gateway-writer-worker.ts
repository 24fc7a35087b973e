import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { emptyDirectory, type OrgDirectory } from '../domain/directory.js';
import type { BudgetAlert } from '../gateway/budgets.js';
import { liveKeys } from '../gateway/keys.js';
import type { KeyEntry } from '../gateway/key-spec.js';
import { LogDrain } from '../gateway/log-drain.js';
import { ServerLink, type RecordStore } from '../gateway/remote.js';
import { reviveRecord, type SpooledRecord } from '../server/spool.js';
import type { Db } from '../store/db.js';
import { sqlString } from '../store/sql-text.js';
import { openContext } from './context.js';
import { isSharedStore } from '../store/open.js';
import { governanceRuntime } from './governance.js';
import type { WriterCall, WriterData, WriterEvent } from './gateway-writer.js';

/**
 * The gateway's writer thread (cli/gateway-writer.ts starts it): it owns the store, or the link to the
 * server that owns it, and drains the gateway's record log into it; for a store it owns, it also answers
 * the gateway's key reloads and raises its budget alerts. Nothing here runs on the gateway's event loop.
 */
if (!parentPort) throw new Error('gateway-writer-worker runs as a worker thread');
const port = parentPort;
const data = workerData as WriterData;
const post = (e: WriterEvent) => port.postMessage(e);

interface Host {
  store: RecordStore;
  keys: () => Promise<KeyEntry[]>;
  alert: (a: BudgetAlert) => Promise<void>;
  stopShipping: () => void;
  close: () => Promise<void>;
}

async function host(): Promise<Host> {
  if (data.kind === 'server') {
    const link = new ServerLink(new URL(data.url), data.token);
    return {
      store: link,
      keys: () => link.keys(),
      alert: (a) => link.alert(a),
      stopShipping: () => link.close(),
      close: () => Promise.resolve(),
    };
  }
  if (isSharedStore(data.opts.db ?? '')) {
    // ClickHouse (docs/clickhouse.md): appends are async inserts, which the server gathers across gateways; keys
    // come from its gateway_keys table. Its alert history has no ClickHouse tables yet, so a budget crossing is
    // logged, counted and sent to the webhook by the gateway, and not kept here.
    const shared = await openContext(data.opts, { inserts: 'async' });
    return {
      store: { appendUsage: (r) => shared.db.appendUsage(r), query: shared.db.query.bind(shared.db) },
      keys: () => liveKeys(shared.db),
      alert: () => Promise.resolve(),
      stopShipping: () => undefined,
      close: () => shared.db.close(),
    };
  }
  // One reader beside the writer: the gateway's only reads are its key reloads and the alert history's.
  const ctx = await openContext(data.opts, { readConnections: 1 });
  // Bounded, so the gateway's memory stays flat however long it runs: DuckDB's buffers (its cache of the
  // table) within memory_limit, spilling beyond it; one thread, as the appends are small and the machine's
  // cores belong to the answers.
  await ctx.db.query(`SET memory_limit = ${sqlString(`${data.memoryLimitMb}MiB`)}`);
  await ctx.db.query(`SET threads = ${Math.max(1, Math.trunc(data.threads))}`);
  const exclusive = turns();
  const raise = await ownedAlertHistory(ctx.db, ctx.directory ?? emptyDirectory(), exclusive);
  return {
    store: {
      appendUsage: (records) => exclusive(() => ctx.db.appendUsage(records)),
      query: ctx.db.query.bind(ctx.db),
    },
    keys: () => liveKeys(ctx.db),
    alert: raise,
    stopShipping: () => undefined,
    close: () => ctx.db.close(),
  };
}

/**
 * Lowers this thread's scheduling priority (Linux: a thread has its own nice value), so that on a busy
 * machine the event loop answering requests runs before the writer whenever both are ready. Best effort.
 */
function yieldToAnswers(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, WRITER_NICE);
  } catch {
    // not Linux, or not allowed: the writer runs at the gateway's priority
  }
}
const WRITER_NICE = 10;

async function main(): Promise<void> {
  yieldToAnswers();
  let h: Host;
  try {
    h = await host();
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    post({
      op: 'failed',
      code: typeof code === 'string' ? code : 'internal',
      message: e instanceof Error ? e.message : String(e),
      hint: hintOf(e),
    });
    return;
  }
  const drain = new LogDrain(data.spoolDir, h.store, {
    everyMs: data.passMs,
    onTrouble: (message) => post({ op: 'log', message }),
  }).start();
  const report = () => post({ op: 'stats', stats: { ...drain.stats } });
  const tick = setInterval(report, 1_000);
  tick.unref();
  port.on('message', (call: WriterCall) => {
    const answer = (work: () => Promise<unknown>) =>
      void work().then(
        (value) => {
          report();
          post({ op: 'answer', id: call.id, ok: true, value });
        },
        (e: unknown) =>
          post({ op: 'answer', id: call.id, ok: false, message: e instanceof Error ? e.message : String(e) }),
      );
    switch (call.op) {
      case 'keys':
        return answer(() => h.keys());
      case 'alert':
        return answer(() => h.alert(call.alert));
      case 'pass':
        return answer(() => drain.pass());
      case 'adopt':
        drain.adopt((JSON.parse(call.records) as SpooledRecord[]).map(reviveRecord));
        return undefined;
      case 'stopShipping':
        return h.stopShipping();
      case 'close':
        return answer(async () => {
          clearInterval(tick);
          await drain.close();
          await h.close();
        });
      default:
        return call satisfies never;
    }
  });
  post({ op: 'ready' });
}

function hintOf(e: unknown): string | undefined {
  const hint = (e as { hint?: unknown } | null)?.hint;
  return typeof hint === 'string' ? hint : undefined;
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
  const { defaultGovernance } = await import('../governance/config.js');
  const { gatewayBudgetCandidate, raiseAlert } = await import('../governance/index.js');
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

void main();
