import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A real ClickHouse server for tests: the engine library that npm's `chdb` brings
 * (`@chdb/lib-linux-x64-gnu`, ~550 MB, never a dependency of the package) driven by a small launcher
 * (clickhouse-launcher.py, python3 ctypes) that opens HTTP and native listeners on 127.0.0.1 and keeps them
 * open until stopped. `.ci/run` installs the library into .cache/chdb; a developer runs the same line:
 *
 *   npm install --prefix .cache/chdb chdb@3.4.0 --no-save --ignore-scripts --no-audit --no-fund
 *
 * Tests that need it skip with that message when it is absent, except where MILEAGE_REQUIRE_CLICKHOUSE=1
 * (CI sets it): there a missing engine fails the run instead of silently skipping.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAUNCHER = join(ROOT, 'test/support/clickhouse-launcher.py');
export const CHDB_INSTALL =
  'npm install --prefix .cache/chdb chdb@3.4.0 --no-save --ignore-scripts --no-audit --no-fund';

/** libchdb.so: MILEAGE_CHDB_LIB, else the copy .ci/run installs under .cache/chdb; null when neither exists. */
export function chdbLibrary(): string | null {
  const candidates = [
    process.env.MILEAGE_CHDB_LIB,
    join(ROOT, '.cache/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so'),
  ];
  return candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p)) ?? null;
}

/**
 * Whether the ClickHouse tests run here. Absent engine: false with a message saying how to get it, or a throw
 * when the environment requires ClickHouse (CI), so a broken install can never pass as a skip.
 */
export function clickhouseAvailable(): boolean {
  if (chdbLibrary() !== null) return true;
  const why = `ClickHouse tests skipped: chdb's engine library is not installed (run \`${CHDB_INSTALL}\`)`;
  if (process.env.MILEAGE_REQUIRE_CLICKHOUSE === '1') throw new Error(why.replace('skipped', 'required'));
  process.stderr.write(`${why}\n`);
  return false;
}

export interface TestClickHouse {
  /** http://127.0.0.1:<port> (user `default`, no password). */
  url: string;
  httpPort: number;
  tcpPort: number;
  /** The engine's process (the launcher runs the engine in-process): benches read its CPU time. */
  pid: number;
  /** The data directory: it survives stop() when the server was started with a `dir` of the caller's. */
  dir: string;
  /**
   * Stops the server and waits for its process to end: cleanly (the launcher's stdin closed, ~5 s of engine
   * shutdown) when the data directory is the caller's, at once (SIGKILL) for a temp directory about to go.
   */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/** Shards of a cluster named `mileage` in `remote_servers`, for a Distributed table over several servers. */
export interface ClusterShard {
  host: string;
  tcpPort: number;
}

/** The inside of a shipped config file's <clickhouse> element, comments left out. */
function shipped(name: string): string {
  const text = readFileSync(join(ROOT, 'deploy/clickhouse', name), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const inner = /<clickhouse>([\s\S]*)<\/clickhouse>/.exec(text)?.[1];
  if (inner === undefined) throw new Error(`deploy/clickhouse/${name} has no <clickhouse> element`);
  return inner.trim();
}

function configXml(dir: string, httpPort: number, tcpPort: number, shards: readonly ClusterShard[]): string {
  const cluster = shards.length
    ? `<remote_servers><mileage>${shards
        .map((s) => `<shard><replica><host>${s.host}</host><port>${s.tcpPort}</port></replica></shard>`)
        .join('')}</mileage></remote_servers>`
    : '';
  // ClickHouse's own logs grow without bound unless given a TTL (Langfuse's users hit memory limits from it):
  // the file Mileage ships for production servers (deploy/clickhouse/mileage-server.xml).
  const logs = shipped('mileage-server.xml');
  return `<clickhouse>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/data/tmp/</tmp_path>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><console>false</console></logger>
  ${logs}
  ${cluster}
</clickhouse>
`;
}

async function waitForPing(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`ClickHouse test server exited (${child.exitCode}) before listening:\n${stderr()}`);
    }
    try {
      const res = await fetch(`${url}/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`ClickHouse test server did not listen within 60 s:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a server on free ports. `dir` keeps its data across a stop and a new start (restart tests); without
 * it a temp dir is used and removed by stop(). `shards` adds a `mileage` cluster to remote_servers.
 */
export async function startClickHouse(
  options: { dir?: string; shards?: readonly ClusterShard[] } = {},
): Promise<TestClickHouse> {
  const library = chdbLibrary();
  if (library === null) throw new Error(`chdb's engine library is not installed: run \`${CHDB_INSTALL}\``);
  const owned = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'mileage-ch-'));
  mkdirSync(dir, { recursive: true });
  const [httpPort, tcpPort] = [await freePort(), await freePort()];
  const config = join(dir, 'config.xml');
  writeFileSync(config, configXml(dir, httpPort, tcpPort, options.shards ?? []));
  const child = spawn('python3', [LAUNCHER, library, config], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const url = `http://127.0.0.1:${httpPort}`;
  const log = () =>
    err + (existsSync(join(dir, 'server.err.log')) ? readFileSync(join(dir, 'server.err.log'), 'utf8') : '');
  try {
    await waitForPing(url, child, log);
  } catch (cause) {
    child.kill('SIGKILL');
    if (owned) rmSync(dir, { recursive: true, force: true });
    throw cause;
  }
  const exited = new Promise<void>((ok) => {
    if (child.exitCode !== null) ok();
    else child.once('exit', () => ok());
  });
  return {
    url,
    httpPort,
    tcpPort,
    pid: child.pid ?? 0,
    dir,
    async stop() {
      if (owned) child.kill('SIGKILL');
      else child.stdin?.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
      if (owned) rmSync(dir, { recursive: true, force: true });
    },
  };
}
