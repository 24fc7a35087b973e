import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mileage } from './cli.js';

/**
 * `mileage ingest <agent>` over folders with no log of the tool: answered without opening (or creating) the
 * store, with the summary the full path prints; anything to report, or any file to read, still goes the
 * full way.
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-empty-ingest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const rollout = fileURLToPath(new URL('../fixtures/codex/session.jsonl', import.meta.url));

describe('an agent-log ingest with nothing to read', () => {
  it('prints the empty summary and creates no store', async () => {
    const dir = join(root, 'empty');
    mkdirSync(join(dir, 'sessions', '2026'), { recursive: true });
    writeFileSync(join(dir, 'sessions', 'notes.md'), '# not a log\n');
    const db = join(root, 'empty.duckdb');
    for (const agent of ['codex', 'claude-code', 'gemini']) {
      const json = await mileage(['ingest', agent, join(dir, 'sessions'), '--db', db, '--json'], {
        cwd: root,
      });
      expect(json.code, json.stderr).toBe(0);
      const summary = JSON.parse(json.stdout) as Record<string, unknown>;
      expect(summary).toMatchObject({ files: 0, records: 0, written: 0, problems: [], pricing: null });
      const text = await mileage(['ingest', agent, join(dir, 'sessions'), '--db', db], { cwd: root });
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/: 0 files, 0 records, 0 written \(0 already stored\)/);
    }
    expect(existsSync(db)).toBe(false);
    expect(existsSync(`${db}.logs.json`)).toBe(false);
  });

  it('answers with the same --json fields as a full ingest', async () => {
    const dir = join(root, 'one');
    mkdirSync(dir);
    const db = join(root, 'one.duckdb');
    const empty = await mileage(['ingest', 'codex', dir, '--db', db, '--json'], { cwd: root });
    copyFileSync(rollout, join(dir, 'rollout-2026-07-01T09-00-00-session.jsonl'));
    const full = await mileage(['ingest', 'codex', dir, '--db', db, '--json'], { cwd: root });
    expect(full.code, full.stderr).toBe(0);
    const fullSummary = JSON.parse(full.stdout) as Record<string, unknown>;
    expect(fullSummary.records).toBeGreaterThan(0);
    expect(Object.keys(JSON.parse(empty.stdout) as object)).toEqual(Object.keys(fullSummary));
    expect(existsSync(db)).toBe(true);
  });

  it('still reports what a folder skipped (a dangling link), through the store', async () => {
    const dir = join(root, 'dangling');
    mkdirSync(dir);
    symlinkSync(join(root, 'nowhere.jsonl'), join(dir, 'rollout-2026-07-01T09-00-00-gone.jsonl'));
    const db = join(root, 'dangling.duckdb');
    const r = await mileage(['ingest', 'codex', dir, '--db', db, '--json'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { problems: { file: string; message: string }[] };
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]?.message).toMatch(/link/);
    expect(existsSync(db)).toBe(true);
  });

  it('says a missing folder is missing', async () => {
    const r = await mileage(['ingest', 'codex', join(root, 'absent'), '--db', join(root, 'x.duckdb')], {
      cwd: root,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/absent: no such file or directory/);
  });
});
