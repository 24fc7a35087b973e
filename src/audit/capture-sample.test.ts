import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptures, type CapturedCase } from './capture-read.js';
import { captureCaseId, type CaptureRecord } from './capture-record.js';
import { sampleCases, toDatasetLine } from './capture-sample.js';
import { parseDataset } from './dataset.js';

const record = (n: number, o: Partial<CaptureRecord> = {}): CaptureRecord => ({
  v: 1,
  workflow: 'alert-triage',
  at: `2026-12-0${1 + (n % 7)}T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
  format: 'anthropic-messages',
  request: { max_tokens: 64, messages: [{ role: 'user', content: `ALERT alert-${n}` }] },
  model: 'claude-opus-4-1',
  answer: `{"severity": ${1 + (n % 4)}}`,
  usage: { input_tokens: 40, output_tokens: 8 },
  ...o,
});
const captured = (count: number): CapturedCase[] =>
  Array.from({ length: count }, (_, n) => {
    const r = record(n);
    return { id: captureCaseId(r), day: r.at.slice(0, 10), record: r };
  });
const ids = (cases: CapturedCase[]) => cases.map((c) => c.id);

describe('sampling captured cases', () => {
  it('the same seed draws the same cases in the same order, whatever order they were read in', () => {
    const all = captured(500);
    const a = sampleCases(all, 40, 'seed-1');
    expect(a).toHaveLength(40);
    expect(ids(sampleCases([...all].reverse(), 40, 'seed-1'))).toEqual(ids(a));
    expect(ids(sampleCases(all, 40, 'seed-2'))).not.toEqual(ids(a));
    // Sorted by capture time, so the dataset reads in the order the workflow saw its requests.
    const times = a.map((c) => c.record.at);
    expect(times).toEqual([...times].sort());
  });

  it('holds k cases at a time yet draws exactly the k lowest ranks of a full sort', () => {
    const all = captured(2000);
    for (const [k, seed] of [
      [1, 'a'],
      [37, 'b'],
      [500, 'c'],
      [1999, 'd'],
    ] as const) {
      const bySort = all
        .map((c) => ({ id: c.id, rank: createHash('sha256').update(`${seed}\0${c.id}`).digest('hex') }))
        .sort((x, y) => (x.rank < y.rank ? -1 : 1))
        .slice(0, k)
        .map((x) => x.id)
        .sort();
      expect(ids(sampleCases(all, k, seed)).sort()).toEqual(bySort);
    }
  });

  it('captures added later only displace the cases they outrank', () => {
    const first = ids(sampleCases(captured(500), 40, 's'));
    const later = ids(sampleCases(captured(600), 40, 's'));
    const kept = first.filter((id) => later.includes(id)).length;
    const newcomers = later.filter((id) => !first.includes(id)).length;
    expect(kept + newcomers).toBe(40);
    // Every newcomer is one of the 100 added captures, never a reshuffle of the first 500.
    const added = new Set(ids(captured(600).slice(500)));
    expect(later.filter((id) => !first.includes(id)).every((id) => added.has(id))).toBe(true);
  });

  it('asking for more than was captured draws all of it', () => {
    expect(sampleCases(captured(5), 40, 's')).toHaveLength(5);
  });

  it('writes cases in the dataset format, with captured and added tags, and the answer as reference on request', () => {
    const [c] = captured(1);
    const withTags = { ...c!, record: { ...c!.record, tags: ['sev2'] } };
    const line = toDatasetLine(withTags, { tags: ['captured', 'sev2'], referenceFromAnswer: true });
    const dataset = parseDataset(line, 'sample.jsonl');
    expect(dataset.problems).toEqual([]);
    expect(dataset.cases[0]).toEqual({
      id: c!.id,
      format: 'anthropic-messages',
      request: c!.record.request,
      reference: { severity: 1 },
      tags: ['sev2', 'captured'],
    });
    const plain = JSON.parse(toDatasetLine(c!, { tags: [], referenceFromAnswer: false })) as object;
    expect(Object.keys(plain)).toEqual(['id', 'format', 'request']);
  });
});

describe('reading captures', () => {
  it('keeps the good lines of a bad file, naming each bad line by file and line without quoting it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'capture-read-'));
    mkdirSync(join(root, 'alert-triage'));
    const day1 = join(root, 'alert-triage', '2026-12-01.jsonl');
    const day2 = join(root, 'alert-triage', '2026-12-02.jsonl');
    const secret = 'SECRET-PROMPT-TEXT';
    writeFileSync(
      day1,
      [
        JSON.stringify(record(1)),
        `{"v":1,"workflow":"alert-triage","request":{"content":"${secret}`, // cut mid-write
        JSON.stringify({ ...record(2), answer: undefined }),
        JSON.stringify(record(3, { workflow: 'support-bot' })),
        '',
        JSON.stringify(record(4, { v: 2 as 1 })),
        JSON.stringify({ ...record(5), note: secret }),
      ].join('\n') + '\n',
    );
    writeFileSync(day2, JSON.stringify(record(6, { id: 'req-6' })) + '\n');
    appendFileSync(day2, JSON.stringify(record(6, { id: 'req-6' })) + '\n');
    writeFileSync(join(root, 'alert-triage', 'README'), 'not a day file');
    const read = await readCaptures(root, 'alert-triage');
    expect(read.cases.map((c) => c.id)).toEqual([captureCaseId(record(1)), 'req-6']);
    expect(read.days).toEqual(['2026-12-01', '2026-12-02']);
    expect(read.duplicates).toBe(1);
    expect(read.problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [2, null, 'not JSON (a cut or corrupted line)'],
      [3, 'answer', "expected the incumbent's answer as text"],
      [4, 'workflow', 'names workflow support-bot, not alert-triage'],
      [6, 'v', 'expected capture format version 1'],
      [7, null, 'unknown field "note"'],
    ]);
    expect(read.problems.every((p) => p.file === day1)).toBe(true);
    expect(JSON.stringify(read.problems)).not.toContain(secret);
  });

  it('reads nothing of a workflow that never captured', async () => {
    const read = await readCaptures(mkdtempSync(join(tmpdir(), 'capture-read-')), 'alert-triage');
    expect(read).toEqual({ read: 0, cases: [], problems: [], duplicates: 0, days: [] });
  });
});
