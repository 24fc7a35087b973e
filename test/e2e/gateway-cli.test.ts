import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { startMockLlm } from '../support/mock-llm.js';
import { CLI, mileage } from './cli.js';

/** `mileage keys …` and `mileage gateway` through the built CLI, on a store of their own. */
let dir: string;
const run = (...args: string[]) => mileage([...args, '--db', join(dir, 'store.duckdb')], { cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mileage-keys-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('mileage keys', () => {
  it('prints a key once on stdout, lists it without the key, refuses a cap off the sandbox, revokes', async () => {
    const made = await run(
      'keys',
      'create',
      '--team',
      'payments',
      '--workflow',
      'bot',
      '--models',
      'gpt-5,gpt-5-mini',
    );
    expect(made.code).toBe(0);
    const key = made.stdout.trim();
    expect(key).toMatch(/^sk-mlg-[A-Za-z0-9_-]{43}$/);
    const id = /Key (key_[0-9a-f]+)/.exec(made.stderr)?.[1] ?? '';
    const list = await run('keys', 'list', '--json');
    expect(JSON.parse(list.stdout)).toMatchObject([
      { id, team: 'payments', workflow: 'bot', models: ['gpt-5', 'gpt-5-mini'] },
    ]);
    expect(list.stdout).not.toContain(key);
    const capped = await run('keys', 'create', '--team', 'x', '--cap', '5');
    expect(capped.code).toBe(2);
    expect(capped.stderr).toContain('--sandbox keys only');
    expect((await run('keys', 'revoke', id)).code).toBe(0);
    expect((await run('keys', 'revoke', id)).code).not.toBe(0);
  });

  it('runs the gateway until SIGTERM: health, then a clean stop', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'gateway', '--db', join(dir, 'store.duckdb'), '--port', '0'],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', OPENAI_API_KEY: 'sk-test-secret' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve) =>
      child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok' });
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(stderr).toContain('no anthropic credential');
    expect(stderr).not.toContain('sk-test-secret');
  }, 30_000);

  it('stores every answer once through its writer thread, across a kill -9 and a restart', async () => {
    const db = join(dir, 'kill.duckdb');
    const mock = await startMockLlm();
    const made = await mileage(['keys', 'create', '--team', 'payments', '--db', db], { cwd: dir });
    const key = made.stdout.trim();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      NO_COLOR: '1',
      ANTHROPIC_API_KEY: 'sk-ant-org',
      OPENAI_API_KEY: 'sk-org',
      MILEAGE_GATEWAY_ANTHROPIC_URL: mock.url,
      MILEAGE_GATEWAY_OPENAI_URL: `${mock.url}/v1`,
    };
    const start = async () => {
      const child = spawn(process.execPath, [CLI, 'gateway', '--db', db, '--port', '0'], { cwd: dir, env });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim()));
        child.on('close', (code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
      });
      return { child, url, stderr: () => stderr };
    };
    const ask = async (url: string, stream: boolean) => {
      const res = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 9, messages: [], stream }),
      });
      expect(res.status).toBe(200);
      await res.text();
      return res.headers.get('request-id') as string;
    };
    try {
      const first = await start();
      const answered: string[] = [];
      for (let i = 0; i < 6; i++) answered.push(await ask(first.url, i % 2 === 1));
      // Killed with its records only in its log (the writer stores every 5 s): none may be lost.
      await new Promise((resolve) => {
        first.child.on('close', resolve);
        first.child.kill('SIGKILL');
      });
      const second = await start();
      answered.push(await ask(second.url, false));
      const code = await new Promise<number | null>((resolve) => {
        second.child.on('close', resolve);
        second.child.kill('SIGTERM');
      });
      expect(code, second.stderr()).toBe(0);
      const store = await openStore(db);
      const rows = await store.query(
        `SELECT dedup_key, count(*) AS n, sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens
         FROM usage WHERE source = 'gateway' GROUP BY dedup_key`,
      );
      await store.close();
      const stored = new Map(
        rows.map((r) => [String(r.dedup_key), { n: Number(r.n), tokens: Number(r.tokens) }]),
      );
      expect(stored.size).toBe(answered.length);
      for (const id of answered) expect(stored.get(id)).toEqual({ n: 1, tokens: mock.sent.get(id) });
    } finally {
      await mock.close();
    }
  }, 60_000);
});
