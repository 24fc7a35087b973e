import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GROUPS } from './groups.js';
import { summarise, type Measured } from './measure.js';

/**
 * The bad-input corpus of issue 19 over every ingest path. Each group runs its inputs against real stores
 * (and real servers on 127.0.0.1 where the path is a server's), then every input must have its documented
 * outcome, no good row beside a bad one may be lost, and every store must still ingest and report.
 */
const all: Measured[] = [];
const dir = mkdtempSync(join(tmpdir(), 'mileage-bad-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(results: Measured[]): void {
  all.push(...results);
  expect(
    results.filter((r) => !r.ok).map((r) => `${r.id}: expected ${r.expected}, measured ${r.measured}`),
  ).toEqual([]);
  expect(results.filter((r) => r.goodLost > 0).map((r) => `${r.id}: ${r.goodLost} good rows lost`)).toEqual(
    [],
  );
  expect(results.filter((r) => r.bricked).map((r) => r.id)).toEqual([]);
}

describe('bad-input corpus', () => {
  for (const group of GROUPS) it(group.name, async () => check(await group.run(dir)), 600_000);

  it('holds at least 300 inputs over every path', () => {
    process.stdout.write(`${summarise(all)}\n`);
    expect(all.length).toBeGreaterThanOrEqual(300);
  });
});
