import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pseudonymised } from '../domain/pseudonymise.js';
import type { UsageRecord } from '../domain/usage.js';
import type { Db } from '../store/db.js';
import { openStore } from '../store/open.js';
import { LogDrain } from './log-drain.js';
import { openName, RecordLog } from './record-log.js';
import { servedRecord } from './record.js';

/**
 * The gateway's record log and its drain (issue 21: the request path only writes to the log; another
 * thread stores what it holds): every record written is stored exactly once, also when the gateway was
 * killed mid-segment or a segment is stored twice, and nothing leaves the log before the store has it.
 */
let dir: string;
let db: Db;

const KEY = {
  id: 'key_1',
  hash: 'h',
  team: 'payments',
  person: null,
  workflow: null,
  workloadType: null,
  models: null,
  expiresAt: null,
  sandbox: false,
  budgetUsd: null,
  alertAt: null,
  capUsd: null,
};

function record(output: number): UsageRecord {
  const start = new Date();
  return pseudonymised(
    servedRecord({
      requestId: randomUUID(),
      provider: 'anthropic',
      requestedModel: 'claude-sonnet-4-6',
      metered: {
        model: 'claude-sonnet-4-6',
        responseId: 'msg_1',
        usage: { tokens: { input: 3, cacheRead: 0, cacheWrite: 0, output, reasoning: 0 } },
      },
      key: KEY,
      tags: {},
      start,
      end: start,
      status: 200,
      ttftMs: null,
      clientAborted: false,
      upstreamRequestId: randomUUID(),
    }),
  );
}

async function stored(): Promise<Map<string, number>> {
  const rows = await db.query(
    `SELECT id, count(*) AS n, sum(output_tokens) AS output FROM usage WHERE source = 'gateway' GROUP BY id`,
  );
  return new Map(rows.map((r) => [String(r.id), Number(r.n) * 1_000_000 + Number(r.output)]));
}

const segments = () => readdirSync(dir).filter((f) => /^\d{12}\./.test(f));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mileage-log-'));
  db = await openStore(':memory:');
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the gateway record log and its drain', () => {
  it('stores every record once, and deletes a segment only once it is stored', async () => {
    const log = RecordLog.open(dir, { sealMs: null });
    const drain = new LogDrain(dir, db);
    const first = [record(10), record(11)];
    await log.append(first.slice(0, 1));
    await log.append(first.slice(1));
    // Not sealed yet: the drain leaves the open segment alone.
    await drain.pass();
    expect((await stored()).size).toBe(0);
    expect(segments()).toEqual([openName(1)]);
    await log.seal();
    await log.append([record(12)]);
    await drain.pass();
    const after = await stored();
    expect(after.size).toBe(2);
    for (const r of first) expect(after.get(r.id)).toBe(1_000_000 + r.tokens.output);
    expect(segments()).toEqual([openName(2)]);
    await log.close();
    await drain.close();
    expect((await stored()).size).toBe(3);
    expect(segments()).toEqual([]);
    expect(drain.stats.written).toBe(3);
  });

  it('takes what a killed gateway left open, torn last line skipped, and a segment stored twice counts once', async () => {
    const log = RecordLog.open(dir, { sealMs: null });
    const kept = [record(20), record(21), record(22)];
    for (const r of kept) await log.append([r]);
    await log.seal();
    const sealed = readdirSync(dir).find((f) => f.endsWith('.jsonl')) as string;
    const sealedText = JSON.stringify([kept[0]]) + '\n' + JSON.stringify([kept[1]]) + '\n';
    await log.append([record(23)]);
    // A kill -9 mid-write: the last line of the open segment is torn (it was never acknowledged).
    appendFileSync(join(dir, openName(2)), '[{"id":"torn');
    // The killed process is gone: the next gateway's log takes the folder and seals the open segment.
    writeFileSync(join(dir, 'gateway.pid'), '999999999\n');
    const told: string[] = [];
    const drain = new LogDrain(dir, db, { onTrouble: (m) => told.push(m) });
    await drain.pass();
    // The next start again: its open seals the previous one's segment; a copy of a stored one comes back.
    const next = RecordLog.open(dir, { sealMs: null });
    writeFileSync(join(dir, sealed.replace(/^\d+/, '000000000099')), sealedText);
    await drain.pass();
    await next.close();
    const after = await stored();
    expect([...after.values()].every((v) => Math.floor(v / 1_000_000) === 1)).toBe(true);
    for (const r of kept) expect(after.get(r.id)).toBe(1_000_000 + r.tokens.output);
    expect(after.size).toBe(4);
    expect(drain.stats.unreadable).toBe(1);
    expect(told.join('\n')).toMatch(
      /1 lines of the gateway log were no records, e\.g\. .*000000000002\.jsonl:2/,
    );
    expect(segments()).toEqual([]);
  });

  it('keeps segments while the store fails, and stores them once it is back', async () => {
    let down = true;
    const flaky = {
      appendUsage: (rs: readonly UsageRecord[]) =>
        down ? Promise.reject(new Error('store away')) : db.appendUsage(rs),
      query: db.query.bind(db),
    };
    const log = RecordLog.open(dir, { sealMs: null });
    const drain = new LogDrain(dir, flaky, { onTrouble: () => undefined });
    await log.append([record(30)]);
    await log.append([record(31)]);
    await log.seal();
    await drain.pass();
    expect(segments()).toHaveLength(1);
    expect((await stored()).size).toBe(0);
    down = false;
    await drain.pass();
    expect((await stored()).size).toBe(2);
    expect(segments()).toEqual([]);
    await log.close();
  });

  it('refuses a folder another live gateway writes', () => {
    writeFileSync(join(dir, 'gateway.pid'), `${process.ppid}\n`);
    expect(() => RecordLog.open(dir)).toThrow(/in use by another gateway \(process \d+\)/);
  });
});
