import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, mileage, type CliResult } from './cli.js';

/**
 * `npm start` is the README's second command: on a fresh directory it must load the demo, print the
 * Monday diagnostic with the demo's audit verdict inside the model-fit finding, and — when its output is no
 * terminal, as here — say how to open the dashboard instead of exiting in silence.
 */
describe('mileage start on a fresh directory, output not a terminal', () => {
  let dir: string;
  let run: CliResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mileage-start-'));
    run = await mileage(['start'], { cwd: dir });
  }, 240_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the demo and prints the diagnostic', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('loading the demo organisation');
    expect(run.stdout).toContain('Is the top workload on the right model?');
  });

  it("quotes the demo's recorded audit verdict in the model-fit finding", () => {
    expect(run.stdout).toMatch(
      /Audited \d{4}-\d{2}-\d{2} against bar v3: claude-haiku-4-5 passes [\d.]+% \[/,
    );
  });

  it('says how to open the dashboard', () => {
    expect(run.stderr).toContain('mileage start --serve');
  });

  it("shows the gateway's keys as level-1 attribution evidence in coverage.evidence_levels", async () => {
    const q = await mileage(['query', 'coverage.evidence_levels', '--json'], { cwd: dir });
    expect(q.code, q.stderr).toBe(0);
    const table = JSON.parse(q.stdout) as { rows: { key: string; values: { evidence: string } }[] };
    // The demo's support bot calls its model through `mileage gateway` with a key issued for its workflow.
    expect(table.rows.find((r) => r.key === 'gateway')?.values.evidence).toMatch(
      /^level 1: 1 gateway key tagged with team and workflow when issued, [\d,]+ requests/,
    );
  }, 60_000);

  it("serves the demo's quality bar and recorded audit to the Audits page, with no mileage.yaml here", async () => {
    const child = spawn(process.execPath, [CLI, 'start', '--serve', '--port', '0'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', NO_COLOR: '1', COLUMNS: '120' },
    });
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/m.exec(out);
          if (m?.[1] && m[2]) resolve({ url: m[1], token: m[2] });
        });
        child.on('close', () => reject(new Error('mileage start --serve exited early')));
      });
      const api = async <T>(path: string): Promise<T> =>
        (await (
          await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as T;
      const bar = await api<{ current: number; versions: { sources: string[] }[] }>(
        '/quality-bars/alert-triage',
      );
      expect(bar.current).toBe(3);
      expect(bar.versions.at(-1)?.sources).toEqual(['mileage.yaml']);
      const runs = await api<{
        runs: { id: string; barVersion: number; candidates: { verdict: string }[] }[];
      }>('/audits?workflow=alert-triage');
      expect(runs.runs[0]).toMatchObject({ id: 'audit-demo-alert-triage', barVersion: 3 });
      expect(runs.runs[0]?.candidates.map((c) => c.verdict)).toEqual(['move']);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);

  it('says nothing of the dashboard when told not to serve', async () => {
    const again = await mileage(['start', '--no-serve'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('mileage start --serve');
    expect(again.stderr).not.toContain('loading the demo organisation');
  }, 120_000);
});
