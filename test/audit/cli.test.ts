import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alertTriageCases, toJsonl } from '../../src/demo/alert-triage.js';
import { mileage } from '../e2e/cli.js';
import { startFakeProviders, type FakeProviders } from './fake-providers.js';
import { mistakesAmong, TRIAGE_BAR_YAML, triageAnswers } from './triage.js';

// The audit commands end to end through the built CLI: run (recorded in a store), list, report, replay against
// a changed bar with the provider server gone.
let dir: string;
let server: FakeProviders;
let env: Record<string, string>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mileage-audit-cli-'));
  const cases = alertTriageCases(120, 9);
  writeFileSync(join(dir, 'alerts.jsonl'), `${toJsonl(cases)}not json\n`);
  writeFileSync(join(dir, 'mileage.yaml'), TRIAGE_BAR_YAML);
  server = await startFakeProviders({
    answer: triageAnswers(cases, { 'claude-haiku-4-5': mistakesAmong(cases, 30) }),
  });
  env = { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: server.anthropicBase };
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it('runs, stores, lists, reports and replays an audit', async () => {
  expect((await mileage(['audit', 'list', '--db', 'm.duckdb'], { cwd: dir })).stdout).toMatch(
    /No audit run stored/,
  );
  const run = await mileage(
    [
      'audit',
      'run',
      '--workflow',
      'alert-triage',
      '--dataset',
      'alerts.jsonl',
      '--incumbent',
      'claude-opus-4-1',
      '--candidate',
      'claude-haiku-4-5',
      '--out',
      'run1',
      '--db',
      'm.duckdb',
      '--no-cache',
      '--json',
    ],
    { cwd: dir, env },
  );
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/alerts\.jsonl:121: not JSON/);
  const result = JSON.parse(run.stdout) as {
    run: string;
    candidates: { verdict: string; requirements: { passed: number; n: number }[] }[];
  };
  expect(result.candidates[0]?.verdict).toBe('keep');
  expect(result.candidates[0]?.requirements[1]).toMatchObject({ passed: 90, n: 120 });
  const list = await mileage(['audit', 'list', '--db', 'm.duckdb'], { cwd: dir });
  expect(list.stdout).toContain(`${result.run}`);
  expect(list.stdout).toContain('claude-haiku-4-5 keep');
  const html = await mileage(['audit', 'report', result.run, '--format', 'html', '--db', 'm.duckdb'], {
    cwd: dir,
  });
  expect(html.code, html.stderr).toBe(0);
  expect(html.stdout).toMatch(/^<!doctype html>[\s\S]*claude-haiku-4-5: KEEP/);
  // A looser bar, the provider gone: the recorded answers re-scored, nothing called.
  writeFileSync(
    join(dir, 'mileage.yaml'),
    TRIAGE_BAR_YAML.replace('version: 1', 'version: 2').replace('pass_rate: 0.95', 'pass_rate: 0.6'),
  );
  await server.close();
  const replay = await mileage(['audit', 'run', '--replay', 'run1', '--db', 'm.duckdb', '--json'], {
    cwd: dir,
    env,
  });
  expect(replay.code, replay.stderr).toBe(0);
  const again = JSON.parse(replay.stdout) as { bar: { version: number }; candidates: { verdict: string }[] };
  expect(again.bar.version).toBe(2);
  expect(again.candidates[0]?.verdict).toBe('move');
}, 120_000);
