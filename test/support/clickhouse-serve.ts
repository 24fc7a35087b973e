import { spawn, type ChildProcess } from 'node:child_process';
import { Decimal } from 'decimal.js';
import { CLI } from '../e2e/cli.js';
import { apiRequestLogs, type ApiRequest } from './otlp-logs.js';

/**
 * `mileage serve --store clickhouse://…` as a user runs it (the built CLI), for the kill -9 test and bench:
 * start, send OTLP batches until acknowledged, kill, restart, and read the stored totals from ClickHouse.
 */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGKILL: no shutdown of any kind. */
  kill9(): Promise<void>;
  /** SIGTERM, waiting for the exit code. */
  stop(): Promise<number>;
}

/** `nodeArgs` go before the CLI (a bench's `--cpu-prof`), `args` after `serve` (`--otlp-token-required`). */
export async function startServe(
  store: string,
  cwd: string,
  nodeArgs: readonly string[] = [],
  args: readonly string[] = [],
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, 'serve', '--port', '0', '--store', store, ...args],
    {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, TZ: 'UTC', NO_COLOR: '1', COLUMNS: '120' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((ok) => child.once('close', (code) => ok(code ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Batches of Claude Code `api_request` events with distinct ids, costs and token counts (deterministic). */
export function otlpBatches(batches: number, perBatch: number, tag: string): ApiRequest[][] {
  return Array.from({ length: batches }, (_, b) =>
    Array.from({ length: perBatch }, (_, i) => {
      const n = b * perBatch + i;
      return {
        requestId: `req_${tag}_${String(n).padStart(6, '0')}`,
        // Exact decimal strings, so the truth below is summed without a float.
        cost: `0.${String(1000 + ((n * 7919) % 9000)).padStart(4, '0')}${n % 10}`,
        inputTokens: 10 + ((n * 31) % 500),
      };
    }),
  );
}

/** What the batches hold, summed here with decimal.js: the totals a store must end with. */
export function truthOf(batches: readonly ApiRequest[][]): { records: number; cost: string; input: number } {
  const all = batches.flat();
  return {
    records: all.length,
    cost: all.reduce((a, r) => a.plus(String(r.cost)), new Decimal(0)).toFixed(10),
    input: all.reduce((a, r) => a + (r.inputTokens ?? 0), 0),
  };
}

/** Posts one batch; true only on a 200 (the receiver's acknowledgement). A refused connection is false. */
export async function postBatch(url: string, batch: readonly ApiRequest[], token?: string): Promise<boolean> {
  return (await postStatus(url, batch, token)) === 200;
}

/** The receiver's status for one batch (0 when the connection was refused). */
export async function postStatus(url: string, batch: readonly ApiRequest[], token?: string): Promise<number> {
  try {
    const res = await fetch(`${url}/v1/logs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: apiRequestLogs(batch),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** The totals ClickHouse holds for a database, read the way the store reads (FINAL: each id once). */
export async function storedTotals(
  clickhouseUrl: string,
  database: string,
): Promise<{ records: number; cost: string; input: number }> {
  const sql = `SELECT count() AS records, toString(sum(cost)) AS cost, sum(input_tokens) AS input
    FROM ${database}.usage FINAL WHERE counted FORMAT JSONEachRow`;
  const res = await fetch(`${clickhouseUrl}/?query=${encodeURIComponent(sql)}`);
  if (!res.ok) throw new Error(`ClickHouse: ${await res.text()}`);
  const row = JSON.parse(await res.text()) as { records: number; cost: string; input: number };
  return {
    records: Number(row.records),
    cost: new Decimal(row.cost).toFixed(10),
    input: Number(row.input),
  };
}
