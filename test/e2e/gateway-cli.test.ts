import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
