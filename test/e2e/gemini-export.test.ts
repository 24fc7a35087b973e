import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mileage } from './cli.js';

const EXPORT = fileURLToPath(new URL('../fixtures/gemini-code-assist/export', import.meta.url));
let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mileage-gemini-export-'));
  await writeFile(
    join(cwd, 'mileage.yaml'),
    `org: acme
privacy: { individuals: visible, min_group_size: 1 }
teams: [{ id: web, name: Web }]
sources:
  gemini:
    type: gemini-code-assist
    export: ${EXPORT}
    projects: [{ id: acme-web, team: web }]
    edition: enterprise
    seat_prices: { enterprise: 45 }
`,
  );
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

describe('mileage sync of a saved Gemini Code Assist export, then mileage seats (built CLI)', () => {
  it('needs no credentials, lists the bad items by file, and shows licences beside the 28-day active users', async () => {
    const env = { TZ: 'UTC' };
    const sync = await mileage(['sync', '--db', 'g.duckdb', '--json'], { cwd, env });
    expect(sync.code, sync.stderr).toBe(0);
    const summary = (JSON.parse(sync.stdout) as { sources: { summary: { problems: { file: string }[] } }[] })
      .sources[0]?.summary;
    expect(summary?.problems.map((p) => p.file.slice(EXPORT.length + 1))).toEqual([
      'licenses.json',
      'logging-read-1.json',
      'monitoring-list.json',
    ]);
    const seats = await mileage(['seats', '--db', 'g.duckdb', '--json', '--until', '2024-10-31'], {
      cwd,
      env,
    });
    expect(seats.code, seats.stderr).toBe(0);
    // Four licences (the fifth has no assign time); the latest 28-day count, 2024-10-30's highest reading.
    expect((JSON.parse(seats.stdout) as { totals: unknown[] }).totals).toEqual([
      expect.objectContaining({ tool: 'gemini-code-assist', seats: 4, activeUsers28d: 21 }),
    ]);
  });
});
