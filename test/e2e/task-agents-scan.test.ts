/**
 * `mileage scan` and `export-logs` on a home folder where Cline runs in VS Code on Linux and Roo Code in Cursor
 * with macOS's layout (~/Library/Application Support), from the real task files of test/fixtures/real/task-agents:
 * both are found without being named, and the report's totals are truth.py's.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mileage } from './cli.js';

const REAL = new URL('../fixtures/real/task-agents/', import.meta.url);
const truth = JSON.parse(readFileSync(new URL('truth.json', REAL), 'utf8')) as Record<
  string,
  { input: number; cacheRead: number; cacheWrite: number; output: number }[]
>;
const tokens = (tool: string) =>
  (truth[tool] ?? []).reduce((s, t) => s + t.input + t.cacheRead + t.cacheWrite + t.output, 0);

const home = mkdtempSync(join(tmpdir(), 'mileage-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('scan finds Cline and Roo Code task histories in every editor layout', () => {
  it('reads them from their default folders and reports their requests and tokens', async () => {
    const vscode = join(home, '.config', 'Code', 'User', 'globalStorage');
    const cursor = join(home, 'Library', 'Application Support', 'Cursor', 'User', 'globalStorage');
    cpSync(
      fileURLToPath(new URL('cline/saoudrizwan.claude-dev', REAL)),
      join(vscode, 'saoudrizwan.claude-dev'),
      {
        recursive: true,
      },
    );
    cpSync(
      fileURLToPath(new URL('roo-code/ibm.bob-code', REAL)),
      join(cursor, 'rooveterinaryinc.roo-cline'),
      {
        recursive: true,
      },
    );
    const env = { MILEAGE_USER: 'ana@acme.com' };
    const store = join(home, 'm.duckdb');
    const r = await mileage(['scan', '--db', store, '--json'], { cwd: home, env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      sources: { tool: string; roots: string[]; summary: { written: number; problems: number } }[];
      report: { total: { requests: number; tokens: number }; byTool: { key: string; tokens: number }[] };
    };
    expect(out.sources.map((s) => [s.tool, s.roots, s.summary.written, s.summary.problems]).sort()).toEqual([
      ['cline', [join(vscode, 'saoudrizwan.claude-dev', 'tasks')], truth.cline?.length, 0],
      ['roo-code', [join(cursor, 'rooveterinaryinc.roo-cline', 'tasks')], truth['roo-code']?.length, 0],
    ]);
    expect(out.report.total.requests).toBe((truth.cline?.length ?? 0) + (truth['roo-code']?.length ?? 0));
    expect(Object.fromEntries(out.report.byTool.map((t) => [t.key, t.tokens]))).toEqual({
      cline: tokens('cline'),
      'roo-code': tokens('roo-code'),
    });

    // export-logs carries them to the organisation's store like the other agents' requests.
    const bundle = join(home, 'ana.jsonl.gz');
    const exported = await mileage(['export-logs', '--db', store, '--out', bundle], { cwd: home, env });
    expect(exported.code, exported.stderr).toBe(0);
    const loaded = await mileage(['ingest', 'bundle', bundle, '--db', join(home, 'org.duckdb'), '--json'], {
      cwd: home,
      env,
    });
    expect(loaded.code, loaded.stderr).toBe(0);
    expect((JSON.parse(loaded.stdout) as { records: number }).records).toBe(out.report.total.requests);
  });
});
