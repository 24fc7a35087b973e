import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { CLI } from './cli.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('mileage serve', () => {
  it('receives OTLP/HTTP JSON, answers at once, and stores the records when stopped', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mileage-serve-'));
    dirs.push(cwd);
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', 'serve.duckdb'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, TZ: 'UTC', NO_COLOR: '1', COLUMNS: '120' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('close', () => reject(new Error(`serve exited early: ${stderr}`)));
    });

    const payload = readFileSync(new URL('../fixtures/otlp/claude-code-logs.json', import.meta.url));
    const res = await fetch(`${url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess?: { rejectedLogRecords: string } };
    expect(body.partialSuccess?.rejectedLogRecords).toBe('1');
    const bad = await fetch(`${url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceLogs":',
    });
    expect(bad.status).toBe(400);

    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    expect(stderr).toMatch(/stored 2 records/);

    const db = await openStore(join(cwd, 'serve.duckdb'));
    try {
      const rows = await db.query(
        'SELECT dedup_key, CAST(cost AS VARCHAR) AS cost, output_tokens FROM usage ORDER BY dedup_key',
      );
      expect(rows).toEqual([
        { dedup_key: 'req_011CTestAAAA', cost: '0.0267000000', output_tokens: 412 },
        { dedup_key: 'req_011CTestBBBB', cost: '0.0007500000', output_tokens: 88 },
      ]);
    } finally {
      await db.close();
    }
  });
});
