import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alertIdOf, alertTriageCases, toJsonl } from '../../src/demo/alert-triage.js';
import { seededRandom } from '../../src/domain/statistics.js';
import { CLI, mileage } from '../e2e/cli.js';
import { startFakeProviders, type FakeProviders } from './fake-providers.js';
import { mistakesAmong, TRIAGE_BAR_YAML, triageAnswers } from './triage.js';

// The resume bar: an audit killed (SIGKILL) at random points, at least 5 times, then run to its end, gives
// exactly the result of an uninterrupted run, and no answer already recorded is ever requested again.
const CASES = 150;
const TARGETS = [
  '--incumbent',
  'claude-opus-4-1',
  '--candidate',
  'claude-haiku-4-5',
  '--candidate',
  'openai-chat:gpt-5-mini',
];
const TOTAL = CASES * 3;
const SEED = Number(process.env.AUDIT_KILL_SEED ?? Date.now() % 100_000);

let dir: string;
let server: FakeProviders;
let env: Record<string, string>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mileage-audit-resume-'));
  const cases = alertTriageCases(CASES, 3);
  writeFileSync(join(dir, 'alerts.jsonl'), toJsonl(cases));
  writeFileSync(join(dir, 'mileage.yaml'), TRIAGE_BAR_YAML);
  server = await startFakeProviders({
    answer: triageAnswers(cases, {
      'claude-haiku-4-5': mistakesAmong(cases, 6),
      'gpt-5-mini': mistakesAmong(cases, 20),
    }),
    delayMs: 3,
    rateLimitEvery: 31,
    serverErrorEvery: 37,
  });
  env = {
    ANTHROPIC_API_KEY: 'k',
    OPENAI_API_KEY: 'k',
    ANTHROPIC_BASE_URL: server.anthropicBase,
    OPENAI_BASE_URL: server.openaiBase,
  };
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const args = (out: string) => [
  'audit',
  'run',
  '--workflow',
  'alert-triage',
  '--dataset',
  'alerts.jsonl',
  ...TARGETS,
  '--out',
  out,
  '--no-cache',
  '--no-store',
  '--json',
  '--concurrency',
  '4',
];

/** Starts the CLI and SIGKILLs it once the server has answered `after` more requests. */
function runAndKill(out: string, after: number): Promise<void> {
  const start = server.served.length;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args(out)], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', NO_COLOR: '1', ...env },
    });
    const timer = setInterval(() => {
      if (server.served.length - start >= after) {
        child.kill('SIGKILL');
        clearInterval(timer);
      }
    }, 1);
    child.on('close', () => {
      clearInterval(timer);
      resolve();
    });
  });
}

/** The recorded answers as "model|case" (what was paid for). */
function logged(out: string): Set<string> {
  const file = join(dir, out, 'answers.jsonl');
  if (!existsSync(file)) return new Set();
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'));
  return new Set(
    lines.flatMap((l) => {
      try {
        const e = JSON.parse(l) as { target: string; case: string };
        return [`${e.target.split(':')[1]}|${e.case}`];
      } catch {
        return [];
      }
    }),
  );
}

/** The result without what is measured per call (latency) and per run (ids, times). */
function comparable(stdout: string): unknown {
  const r = JSON.parse(stdout) as Record<string, unknown>;
  return JSON.parse(JSON.stringify({ ...r, run: null }), (k, v: unknown) => (k === 'latencyMs' ? null : v));
}

it(`resumes a run killed at 6 random points to the uninterrupted result (seed ${SEED})`, async () => {
  const rand = seededRandom(SEED);
  let kills = 0;
  const servedAtKill: number[] = [];
  for (let k = 0; k < 6; k++) {
    const before = logged('killed');
    const servedBefore = server.served.length;
    await runAndKill('killed', 5 + Math.floor(rand() * (TOTAL / 8)));
    kills++;
    servedAtKill.push(server.served.length);
    // Nothing recorded before this session was asked again in it.
    const askedAgain = server.served
      .slice(servedBefore)
      .map((s) => `${s.model}|${alertIdOf(s.prompt)}`)
      .filter((key) => before.has(key));
    expect(askedAgain, `seed ${SEED}, kill ${k + 1}`).toEqual([]);
  }
  const partial = logged('killed').size;
  expect(partial).toBeLessThan(TOTAL);
  const resumedStart = server.served.length;
  const recorded = logged('killed');
  const resumed = await mileage(args('killed'), { cwd: dir, env });
  expect(resumed.code, resumed.stderr).toBe(0);
  const askedAgain = server.served
    .slice(resumedStart)
    .map((s) => `${s.model}|${alertIdOf(s.prompt)}`)
    .filter((key) => recorded.has(key));
  expect(askedAgain).toEqual([]);
  expect(server.served.length - resumedStart).toBe(TOTAL - partial);
  // At most the calls in flight at each kill (concurrency 4) were paid for and not recorded.
  const paid = server.served.length;
  const clean = await mileage(args('clean'), { cwd: dir, env });
  expect(clean.code, clean.stderr).toBe(0);
  expect(server.served.length - paid).toBe(TOTAL);
  expect(paid - TOTAL).toBeLessThanOrEqual(kills * 4);
  expect(comparable(resumed.stdout)).toEqual(comparable(clean.stdout));
  const verdicts = (JSON.parse(clean.stdout) as { candidates: { verdict: string }[] }).candidates.map(
    (c) => c.verdict,
  );
  expect(verdicts).toEqual(['inconclusive', 'keep']);
}, 180_000);
