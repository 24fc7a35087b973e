import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alertIdOf, alertTriageCases, type AlertCase } from '../../src/demo/alert-triage.js';
import { mileage, type CliResult } from '../e2e/cli.js';
import { startFakeProviders, type FakeProviders } from './fake-providers.js';
import { mistakesAmong, TRIAGE_BAR_YAML, triageAnswers } from './triage.js';

// Capture → sample → audit run, end to end through the built CLI, against the local provider server: a
// workflow that opted in hands its requests over (`audit capture add`), a seeded sample of them becomes a
// dataset, and the audit's verdict counts are the ones the scripted answers make. A distinctive string in
// every captured request and answer must then appear nowhere in the store file, a report or a log.
const CANARY = 'CANARY-7f3q-PRIVATE-RUNBOOK';
const OPT_IN = `audit_capture:
  - workflow: alert-triage
    sample_rate: 1
    retention_days: 30
`;

let dir: string;
let server: FakeProviders;
let cases: AlertCase[];
let mistakes: Set<string>;
/** The UTC days the captures fall on (three, or four when the test runs just after midnight). */
let days: string[];
const outputs: CliResult[] = [];
const cli = async (args: string[], env: Record<string, string> = {}) => {
  const result = await mileage(args, { cwd: dir, env });
  outputs.push(result);
  return result;
};

/** An alert as the triage bot captured it: its request (with the canary), the incumbent's answer and usage. */
function captureLine(c: AlertCase, at: Date): string {
  const content = `${c.request.messages[0]?.content} runbook=${CANARY}`;
  return JSON.stringify({
    v: 1,
    workflow: 'alert-triage',
    at: at.toISOString(),
    format: 'anthropic-messages',
    request: { ...c.request, model: 'claude-opus-4-1', messages: [{ role: 'user', content }] },
    model: 'claude-opus-4-1',
    answer: JSON.stringify({ ...c.reference, note: CANARY }),
    usage: { input_tokens: 120, output_tokens: 14 },
    latency_ms: 900,
    ...(c.tags.length ? { tags: c.tags } : {}),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mileage-audit-capture-'));
  cases = alertTriageCases(200, 11);
  mistakes = mistakesAmong(cases, 24);
  writeFileSync(join(dir, 'mileage.yaml'), TRIAGE_BAR_YAML + OPT_IN);
  const now = Date.now();
  const times = cases.map((_, i) => new Date(now - (i % 3) * 86_400_000 - i * 1000));
  days = [...new Set(times.map((t) => `${t.toISOString().slice(0, 10)}.jsonl`))].sort();
  const lines = cases.map((c, i) => captureLine(c, times[i]!));
  // A line cut mid-write and a workflow that never opted in, among the good ones.
  lines.splice(50, 0, `{"v":1,"workflow":"alert-triage","request":{"content":"${CANARY}`);
  lines.push(captureLine(cases[0]!, new Date(now)).replace('"alert-triage"', '"billing-bot"'));
  writeFileSync(join(dir, 'captured.jsonl'), `${lines.join('\n')}\n`);
  // A day long past the retention, left behind by an earlier capture.
  mkdirSync(join(dir, '.mileage', 'capture', 'alert-triage'), { recursive: true });
  writeFileSync(join(dir, '.mileage', 'capture', 'alert-triage', '2020-01-01.jsonl'), `${lines[0]}\n`);
  server = await startFakeProviders({ answer: triageAnswers(cases, { 'claude-haiku-4-5': mistakes }) });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it('captures, samples reproducibly, audits the sample, and keeps the content out of the store and reports', async () => {
  const added = await cli(['audit', 'capture', 'add', 'captured.jsonl', '--json']);
  expect(added.code, added.stderr).toBe(0);
  expect(JSON.parse(added.stdout)).toMatchObject({ written: 200, not_opted_in: 1, bad_lines: 1 });
  expect(added.stderr).toContain('captured.jsonl:51: not JSON (a cut or corrupted line)');
  expect(added.stderr).toMatch(/workflow billing-bot has not opted in to capture/);
  expect(added.stderr).toContain('retention: deleted 1 captured day of alert-triage (2020-01-01)');
  expect(readdirSync(join(dir, '.mileage', 'capture'))).toEqual(['alert-triage']);
  expect(readdirSync(join(dir, '.mileage', 'capture', 'alert-triage')).sort()).toEqual(days);

  // No opt-in, no sample: a refusal that says where to opt in.
  const refused = await cli([
    'audit',
    'sample',
    '--workflow',
    'billing-bot',
    '--cases',
    '5',
    '--out',
    'b.jsonl',
  ]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/workflow billing-bot has not opted in to capture .*mileage\.yaml/);

  const sample = (seed: string, out: string) =>
    cli([
      'audit',
      'sample',
      '--workflow',
      'alert-triage',
      '--cases',
      '120',
      '--seed',
      seed,
      '--out',
      out,
      '--reference',
      'answer',
      '--json',
    ]);
  const first = await sample('42', 's1.jsonl');
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({
    seed: '42',
    cases: 120,
    captured: 200,
    models: { 'claude-opus-4-1': 120 },
  });
  expect((await sample('42', 's2.jsonl')).code).toBe(0);
  expect((await sample('43', 's3.jsonl')).code).toBe(0);
  const s1 = readFileSync(join(dir, 's1.jsonl'), 'utf8');
  expect(readFileSync(join(dir, 's2.jsonl'), 'utf8')).toBe(s1);
  expect(readFileSync(join(dir, 's3.jsonl'), 'utf8')).not.toBe(s1);
  expect(s1).toContain(CANARY); // the content did reach the audit's inputs, so its absence below means something

  const sampled = s1
    .trim()
    .split('\n')
    .map((l) =>
      alertIdOf(
        (JSON.parse(l) as { request: { messages: { content: string }[] } }).request.messages[0]!.content,
      ),
    );
  const failing = sampled.filter((id) => id !== null && mistakes.has(id)).length;
  expect(failing).toBeGreaterThan(0);

  expect((await cli(['audit', 'list', '--db', 'm.duckdb'])).code).toBe(0);
  const run = await cli(
    [
      'audit',
      'run',
      '--workflow',
      'alert-triage',
      '--dataset',
      's1.jsonl',
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
    { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: server.anthropicBase },
  );
  expect(run.code, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as {
    run: string;
    candidates: { verdict: string; requirements: { passed: number; n: number }[] }[];
  };
  // "Same severity as the reference", the reference being the incumbent's captured answer.
  expect(result.candidates[0]?.requirements[1]).toMatchObject({ passed: 120 - failing, n: 120 });
  expect(result.candidates[0]?.verdict).toBe('keep');

  for (const format of ['markdown', 'html', 'json'])
    expect((await cli(['audit', 'report', result.run, '--format', format, '--db', 'm.duckdb'])).code).toBe(0);
  expect((await cli(['audit', 'list', '--db', 'm.duckdb'])).stdout).toContain(result.run);
  expect((await cli(['audit', 'capture', 'status', '--json'])).code).toBe(0);

  for (const out of outputs) {
    expect(out.stdout).not.toContain(CANARY);
    expect(out.stderr).not.toContain(CANARY);
  }
  const storeFiles = readdirSync(dir).filter((f) => f.startsWith('m.duckdb'));
  expect(storeFiles).toContain('m.duckdb');
  for (const f of storeFiles) {
    const bytes = readFileSync(join(dir, f)).toString('latin1');
    expect(bytes).toContain('claude-haiku-4-5'); // text the store does keep is readable in its bytes
    expect(bytes, f).not.toContain(CANARY);
    expect(bytes, f).not.toContain('runbook=');
  }
}, 180_000);

it('a bad opt-in is refused naming its file, line and field, by the capture commands and by org check', async () => {
  const bad = mkdtempSync(join(tmpdir(), 'mileage-audit-capture-bad-'));
  try {
    writeFileSync(
      join(bad, 'mileage.yaml'),
      'org: acme\naudit_capture:\n  - workflow: alert-triage\n    sample_rate: 0\n    retention_days: 7\n',
    );
    for (const args of [
      ['audit', 'capture', 'status'],
      ['org', 'check'],
    ]) {
      const out = await mileage(args, { cwd: bad });
      expect(out.code, args.join(' ')).not.toBe(0);
      expect(out.stderr).toMatch(
        /mileage\.yaml:4 \(audit_capture\.0\.sample_rate\): expected a share above 0/,
      );
    }
  } finally {
    rmSync(bad, { recursive: true, force: true });
  }
}, 60_000);

it('capture prune deletes expired days and a withdrawn workflow, and status counts what is kept', async () => {
  const d = mkdtempSync(join(tmpdir(), 'mileage-audit-capture-prune-'));
  try {
    writeFileSync(join(d, 'mileage.yaml'), `org: acme\n${OPT_IN}`);
    const today = new Date().toISOString().slice(0, 10);
    const plant = (workflow: string, day: string, lines: string[]) => {
      mkdirSync(join(d, 'caps', workflow), { recursive: true });
      writeFileSync(join(d, 'caps', workflow, `${day}.jsonl`), `${lines.join('\n')}\n`);
    };
    const good = captureLine(alertTriageCases(2, 3)[1]!, new Date());
    plant('alert-triage', '2020-01-01', [good]);
    plant('alert-triage', today, [good, '{"v":1']);
    plant('support-bot', today, [good.replace('"alert-triage"', '"support-bot"')]);
    const pruned = await mileage(['audit', 'capture', 'prune', '--capture-dir', 'caps', '--json'], {
      cwd: d,
    });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({
      expired: [{ workflow: 'alert-triage', day: '2020-01-01' }],
      withdrawn: [{ workflow: 'support-bot', day: today }],
    });
    expect(readdirSync(join(d, 'caps'))).toEqual(['alert-triage']);
    const status = await mileage(['audit', 'capture', 'status', '--capture-dir', 'caps', '--json'], {
      cwd: d,
    });
    expect(JSON.parse(status.stdout)).toMatchObject({
      workflows: [{ workflow: 'alert-triage', days: 1, records: 1, badLines: 1 }],
    });
    expect(status.stdout + status.stderr + pruned.stdout + pruned.stderr).not.toContain(CANARY);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}, 60_000);
