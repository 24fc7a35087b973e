import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, MileageError, type ErrorCode } from '../domain/errors.js';
import type { UsageRecord } from '../domain/usage.js';
import type { BudgetAlert } from '../gateway/budgets.js';
import type { KeyEntry } from '../gateway/key-spec.js';
import type { Drain, DrainStats } from '../gateway/log-drain.js';
import type { GlobalOptions } from './context.js';

/** How the writer thread reaches the store: it owns it, or it ships to the server that does. */
export type WriterData = {
  spoolDir: string;
  /** A pass of the drain every this many milliseconds. */
  passMs: number;
} & (
  | { kind: 'owned'; opts: GlobalOptions; memoryLimitMb: number; threads: number }
  | { kind: 'server'; url: string; token: string }
);

export type WriterCall =
  | { id: number; op: 'keys' }
  | { id: number; op: 'alert'; alert: BudgetAlert }
  | { id: number; op: 'pass' }
  | { id: number; op: 'close' }
  | { id: number; op: 'adopt'; records: string }
  | { id: number; op: 'stopShipping' };

export type WriterEvent =
  | { op: 'ready' }
  | { op: 'failed'; code: string; message: string; hint?: string | undefined }
  | { op: 'log'; message: string }
  | { op: 'stats'; stats: DrainStats }
  | { op: 'answer'; id: number; ok: true; value: unknown }
  | { op: 'answer'; id: number; ok: false; message: string };

/** DuckDB's memory in the gateway's writer: its buffers (the table's cache) stay within this. */
export const WRITER_MEMORY_LIMIT_MB = 128;
/**
 * The writer stores what the log sealed this often: each append has a fixed cost (a staging table, the
 * replacement of stored ids) that larger batches share, and the records are safe in the log meanwhile.
 */
export const WRITER_PASS_MS = 5_000;
/** DuckDB's threads in the gateway's writer. */
export const WRITER_THREADS = 1;
/** After the writer thread died, the next one starts this much later (the records wait in the log). */
const RESTART_MS = 2_000;

/**
 * The gateway's writer, in a worker thread of its own (cli/gateway-writer-worker.ts): it drains the record
 * log into the store the gateway owns or ships it to the server, so that neither DuckDB nor the shipping
 * runs on the event loop that answers requests. For an owned store it also loads the keys and raises the
 * budget alerts (the store is the thread's). A writer thread that dies is started again: the records it had
 * not stored are still in the log.
 */
export class GatewayWriter implements Drain {
  private worker!: Worker;
  private next = 0;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stopping = false;
  stats: DrainStats = {
    queued: 0,
    written: 0,
    alreadyStored: 0,
    alreadyStoredKnown: true,
    superseded: 0,
    dropped: 0,
    refused: 0,
    failed: 0,
    unreadable: 0,
    waitingSegments: 0,
  };

  private constructor(
    private readonly data: WriterData,
    private readonly log: (message: string) => void,
  ) {}

  /** Starts the writer thread; resolves once its store is open (rejects with why it could not be). */
  static async start(data: WriterData, log: (message: string) => void): Promise<GatewayWriter> {
    const w = new GatewayWriter(data, log);
    await w.spawn();
    return w;
  }

  keys(): Promise<KeyEntry[]> {
    return this.call({ op: 'keys' }) as Promise<KeyEntry[]>;
  }

  async alert(alert: BudgetAlert): Promise<void> {
    await this.call({ op: 'alert', alert });
  }

  async pass(): Promise<void> {
    await this.call({ op: 'pass' });
  }

  adopt(records: readonly UsageRecord[]): void {
    this.worker.postMessage({ id: this.next++, op: 'adopt', records: JSON.stringify(records) });
  }

  /** Makes a shipment waiting on an absent server give up (its records stay in the log). */
  stopShipping(): void {
    this.worker.postMessage({ id: this.next++, op: 'stopShipping' });
  }

  async close(): Promise<void> {
    await this.call({ op: 'close' });
    this.stopping = true;
    await this.worker.terminate();
  }

  private spawn(): Promise<void> {
    // Built, the worker is the .js beside this file; run from the sources (tsx), the .ts, through tsx.
    const ext = extname(fileURLToPath(import.meta.url));
    this.worker = new Worker(new URL(`./gateway-writer-worker${ext}`, import.meta.url), {
      workerData: this.data,
      execArgv: ext === '.ts' ? ['--import', 'tsx'] : [],
    });
    return new Promise<void>((resolve, reject) => {
      this.worker.on('message', (e: WriterEvent) => {
        switch (e.op) {
          case 'ready':
            return resolve();
          case 'failed':
            this.stopping = true;
            return reject(
              new MileageError(
                (ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as ErrorCode) : 'internal',
                e.message,
                e.hint,
              ),
            );
          case 'log':
            return this.log(e.message);
          case 'stats':
            this.stats = e.stats;
            return undefined;
          case 'answer': {
            const call = this.calls.get(e.id);
            this.calls.delete(e.id);
            if (e.ok) call?.resolve(e.value);
            else call?.reject(new Error(e.message));
            return undefined;
          }
          default:
            return e satisfies never;
        }
      });
      this.worker.on('error', (e) => this.log(`the gateway's writer failed: ${e.message}`));
      this.worker.on('exit', () => {
        reject(new Error("the gateway's writer stopped before it started"));
        for (const c of this.calls.values()) c.reject(new Error("the gateway's writer stopped"));
        this.calls.clear();
        if (this.stopping) return;
        this.log(
          `the gateway's writer stopped; starting it again in ${RESTART_MS / 1000} s (records wait in the log)`,
        );
        setTimeout(() => {
          this.spawn().catch((e: unknown) =>
            this.log(
              `the gateway's writer could not start again: ${e instanceof Error ? e.message : String(e)}`,
            ),
          );
        }, RESTART_MS).unref();
      });
    });
  }

  private call(c: { op: 'keys' } | { op: 'alert'; alert: BudgetAlert } | { op: 'pass' } | { op: 'close' }) {
    const id = this.next++;
    return new Promise<unknown>((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...c });
    });
  }
}
