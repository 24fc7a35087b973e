import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mileage } from './cli.js';

/** `query --json`: the metric's table, as every metric answers. */
type Table = { by: string | null; rows: { key: string; label: string; values: Record<string, unknown> }[] };

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('mileage query', () => {
  it('groups spend by a dimension, and with individuals hidden names nobody and merges small groups', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mileage-query-'));
    dirs.push(cwd);
    const demo = await mileage(
      ['demo', '--db', 'q.duckdb', '--seed', '3', '--engineers', '10', '--months', '3', '--out', 'demo'],
      { cwd },
    );
    expect(demo.code, demo.stderr).toBe(0);

    const byModel = await mileage(['query', 'spend.total', '--by', 'model', '--db', 'q.duckdb', '--json'], {
      cwd,
    });
    expect(byModel.code, byModel.stderr).toBe(0);
    const models = JSON.parse(byModel.stdout) as Table;
    expect(models.by).toBe('model');
    expect(models.rows.map((g) => g.label)).toContain('claude-opus-4-1');
    expect(models.rows.reduce((a, g) => a + Number(g.values.share), 0)).toBeCloseTo(1, 9);

    const orgText = await readFile(join(cwd, 'demo', 'mileage.yaml'), 'utf8');
    const hidden = orgText
      .replace('individuals: visible', 'individuals: hidden')
      .replace('min_group_size: 3', 'min_group_size: 4');
    await writeFile(join(cwd, 'hidden.yaml'), hidden);
    const byPerson = await mileage(
      ['query', 'spend.total', '--by', 'person', '--db', 'q.duckdb', '--config', 'hidden.yaml', '--json'],
      { cwd },
    );
    expect(byPerson.code, byPerson.stderr).toBe(0);
    const names = [...orgText.matchAll(/name: "([^"]+)"/g)].map((m) => m[1] as string);
    expect(names.length).toBe(10);
    for (const name of names) expect(byPerson.stdout).not.toContain(name);
    const table = JSON.parse(byPerson.stdout) as Table;
    expect(table.by).toBe('team');
    const groups = table.rows.map((r) => ({ key: r.key, people: Number(r.values.people) }));
    // 10 engineers over 4 teams: every team is under 4 people apart from the bots' team, so they fold into "other".
    expect(groups.some((g) => g.key === 'other')).toBe(true);
    expect(
      groups
        .filter((g) => g.key !== 'other' && g.key !== 'unattributed')
        .every((g) => g.people >= 4 || g.people === 0),
    ).toBe(true);
  });

  it('rejects an unknown dimension with exit code 2', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mileage-query-'));
    dirs.push(cwd);
    const r = await mileage(['query', 'spend.total', '--by', 'planet', '--db', 'q.duckdb'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--by expects one of');
  });
});
