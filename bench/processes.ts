import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist/cli/bin.js');

/** A child process and the first line it printed on stdout (a URL, for the servers here). */
export async function started(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  ready: RegExp = /^http/,
): Promise<{ child: ChildProcess; line: string; stderr: () => string }> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += stripColours(d.toString());
      const found = out.split('\n').find((l) => ready.test(l.trim()));
      if (found) resolve(found.trim());
    });
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`)));
  });
  return { child, line, stderr: () => err };
}

export function stopped(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Text without terminal colour codes (Portkey colours its start-up lines). */
function stripColours(text: string): string {
  return text
    .split(String.fromCharCode(27))
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');
}

/**
 * CPU time (ms) and resident memory (MB) of a process, from /proc: all its threads (`cpuMs`, split into user
 * and kernel time), and its main thread alone (`mainMs`: Node's event loop; the rest is the thread pool,
 * worker threads and a native library's own threads).
 */
export function usageOf(pid: number): {
  cpuMs: number;
  userMs: number;
  sysMs: number;
  mainMs: number;
  rssMb: number;
} {
  const ticks = (path: string) => {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * 10, sys: Number(fields[12]) * 10 };
  };
  const all = ticks(`/proc/${pid}/stat`);
  const main = ticks(`/proc/${pid}/task/${pid}/stat`);
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return {
    cpuMs: all.user + all.sys,
    userMs: all.user,
    sysMs: all.sys,
    mainMs: main.user + main.sys,
    rssMb: Number(rss ?? 0) / 1024,
  };
}

/**
 * Portkey's gateway, installed at bench time in a folder of its own: it needs `@hono/node-server` 1.13.8 for
 * streaming (an override), which would conflict with Mileage's own ^2 if it were a devDependency.
 */
export function portkeyEntry(version = '1.15.2'): string {
  const dir = join(ROOT, 'bench/.portkey');
  const entry = join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const pkg = join(dir, 'node_modules/@portkey-ai/gateway/package.json');
  if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version === version)
    return entry;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'portkey-bench',
      private: true,
      dependencies: { '@portkey-ai/gateway': version },
      overrides: { '@hono/node-server': '1.13.8' },
    }),
  );
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
  });
  return entry;
}
