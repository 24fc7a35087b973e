import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../demo/rng.js';
import { pruneCaptures } from './capture-files.js';
import type { CaptureOptIn } from './capture-opt-in.js';
import type { CaptureInput } from './capture-record.js';
import { appendCapture, CaptureWriter } from './capture-writer.js';

const optIn = (o: Partial<CaptureOptIn> = {}): CaptureOptIn => ({
  workflow: 'alert-triage',
  sample_rate: 1,
  retention_days: 3,
  max_cases_per_day: 1000,
  ...o,
});

const input = (n: number, at = '2026-12-07T10:00:00.000Z', workflow = 'alert-triage'): CaptureInput => ({
  workflow,
  at,
  format: 'anthropic-messages',
  request: { max_tokens: 64, messages: [{ role: 'user', content: `ALERT alert-${n}` }] },
  model: 'claude-opus-4-1',
  answer: '{"severity": 2}',
  usage: { input_tokens: 40, output_tokens: 8 },
});

const root = () => mkdtempSync(join(tmpdir(), 'capture-'));
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
const at = (day: string) => new Date(`${day}T12:00:00Z`);

describe('the capture writer', () => {
  it('keeps nothing of a workflow that did not opt in', async () => {
    const dir = root();
    const outcome = await appendCapture(dir, [optIn()], input(1, undefined, 'support-bot'));
    expect(outcome).toEqual({ status: 'not_opted_in' });
    expect(await appendCapture(dir, [], input(1))).toEqual({ status: 'not_opted_in' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes the documented line into the UTC day file of the workflow', async () => {
    const dir = root();
    const now = () => at('2026-12-07');
    const outcome = await appendCapture(dir, [optIn()], input(1, '2026-12-07T23:30:00-02:00'), { now });
    // 23:30 at -02:00 is 01:30 UTC the next day: the day file follows UTC.
    expect(outcome).toEqual({ status: 'written', file: join(dir, 'alert-triage', '2026-12-08.jsonl') });
    const [line] = lines(join(dir, 'alert-triage', '2026-12-08.jsonl'));
    expect(JSON.parse(line ?? '')).toEqual({ v: 1, ...input(1, '2026-12-07T23:30:00-02:00') });
  });

  it('captures the share of requests its sample rate says, draw by draw', async () => {
    const dir = root();
    const draws = makeRng(7).fork('capture');
    const seen: number[] = [];
    const random = () => {
      const r = draws.next();
      seen.push(r);
      return r;
    };
    const writer = new CaptureWriter(dir, [optIn({ sample_rate: 0.25 })], {
      now: () => at('2026-12-07'),
      random,
    });
    for (let n = 0; n < 2000; n++) await writer.append(input(n));
    const expected = seen.filter((r) => r < 0.25).length;
    expect(writer.counts.written).toBe(expected);
    expect(writer.counts.not_sampled).toBe(2000 - expected);
    expect(lines(join(dir, 'alert-triage', '2026-12-07.jsonl'))).toHaveLength(expected);
    // 2000 draws at 25%: within 4 standard deviations (±78) of 500.
    expect(Math.abs(expected - 500)).toBeLessThan(78);
  });

  it('stops at the daily cap, counting what the day already held on disk', async () => {
    const dir = root();
    const now = () => at('2026-12-07');
    const optIns = [optIn({ max_cases_per_day: 5 })];
    const first = new CaptureWriter(dir, optIns, { now });
    for (let n = 0; n < 3; n++) await first.append(input(n));
    const second = new CaptureWriter(dir, optIns, { now });
    const outcomes = await Promise.all([3, 4, 5, 6].map((n) => second.append(input(n))));
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'written', 'day_full', 'day_full']);
    expect(await second.append(input(7, '2026-12-06T10:00:00Z'))).toMatchObject({ status: 'written' });
    expect(lines(join(dir, 'alert-triage', '2026-12-07.jsonl'))).toHaveLength(5);
  });

  it('applies retention by whole days as its clock moves on', async () => {
    const dir = root();
    let today = '2026-12-01';
    const writer = new CaptureWriter(dir, [optIn({ retention_days: 3 })], { now: () => at(today) });
    for (const day of ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05']) {
      today = day;
      expect((await writer.append(input(1, `${day}T08:00:00Z`))).status).toBe('written');
    }
    // On the 5th, three days are kept: the 3rd, 4th and 5th; the 1st and 2nd were deleted whole.
    expect(readdirSync(join(dir, 'alert-triage')).sort()).toEqual([
      '2026-12-03.jsonl',
      '2026-12-04.jsonl',
      '2026-12-05.jsonl',
    ]);
    // A request stamped before the window is not written only to be deleted.
    expect(await writer.append(input(2, '2026-12-02T08:00:00Z'))).toEqual({ status: 'expired' });
  });

  it('prune deletes expired days and every day of a workflow whose opt-in was withdrawn', async () => {
    const dir = root();
    for (const [wf, day] of [
      ['alert-triage', '2026-11-30'],
      ['alert-triage', '2026-12-06'],
      ['alert-triage', '2026-12-07'],
      ['support-bot', '2026-12-07'],
    ] as const) {
      await appendCapture(
        dir,
        [optIn({ workflow: wf, retention_days: 30 })],
        input(1, `${day}T01:00:00Z`, wf),
        {
          now: () => at('2026-12-07'),
        },
      );
    }
    writeFileSync(join(dir, 'alert-triage', 'notes.txt'), 'not a day file: left alone');
    const report = await pruneCaptures(dir, [optIn({ retention_days: 2 })], at('2026-12-07'));
    expect(report).toEqual({
      expired: [{ workflow: 'alert-triage', day: '2026-11-30' }],
      withdrawn: [{ workflow: 'support-bot', day: '2026-12-07' }],
    });
    expect(readdirSync(join(dir, 'alert-triage')).sort()).toEqual([
      '2026-12-06.jsonl',
      '2026-12-07.jsonl',
      'notes.txt',
    ]);
    expect(existsSync(join(dir, 'support-bot'))).toBe(false);
  });

  it('never throws: a bad record or an unwritable directory is an outcome', async () => {
    const dir = root();
    const now = () => at('2026-12-07');
    const bad = { ...input(1), answer: 42 } as unknown as CaptureInput;
    expect(await appendCapture(dir, [optIn()], bad, { now })).toMatchObject({
      status: 'invalid',
      field: 'answer',
    });
    expect(await appendCapture(dir, [optIn()], input(1, '2026-12-09T12:00:00Z'), { now })).toMatchObject({
      status: 'invalid',
      field: 'at',
    });
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const writer = new CaptureWriter(file, [optIn()], { now });
    expect(await writer.append(input(1))).toMatchObject({ status: 'failed' });
    expect(await writer.append(input(2))).toMatchObject({ status: 'failed' });
    expect(writer.counts.failed).toBe(2);
  });
});
