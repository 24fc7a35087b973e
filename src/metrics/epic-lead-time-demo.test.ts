import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDemoStore } from '../../test/support/demo-store.js';
import { epicLeadTime } from './epic-lead-time.js';

interface Issue {
  key: string;
  fields: {
    issuetype: { hierarchyLevel: number };
    resolutiondate: string;
    created: string;
    parent?: { key: string };
  };
  changelog?: { histories: { created: string }[] };
}

const jiraMs = (t: string) => Date.parse(t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

/**
 * The demo carries epics: epic lead time has a value for every team, equal to the median computed here
 * straight from the demo's Jira pages (each child's first changelog entry, else its creation; the earliest
 * child; epic done minus that), over every epic done in the demo.
 */
describe('epic lead time on the demo', () => {
  const demo = sharedDemoStore();

  it('has a row per team, and the org-wide median matches the pages', async () => {
    const folder = join(demo().dir, 'demo', 'jira');
    const issues = readdirSync(folder)
      .sort()
      .flatMap((f) => (JSON.parse(readFileSync(join(folder, f), 'utf8')) as { issues: Issue[] }).issues);
    const starts = new Map<string, number>();
    for (const i of issues) {
      const epic = i.fields.parent?.key;
      if (!epic) continue;
      const first = i.changelog?.histories[0]?.created;
      const start = first ? jiraMs(first) : jiraMs(i.fields.created);
      starts.set(epic, Math.min(starts.get(epic) ?? Infinity, start));
    }
    const leads = issues
      .filter((i) => i.fields.issuetype.hierarchyLevel === 1)
      .map((e) => (jiraMs(e.fields.resolutiondate) - (starts.get(e.key) ?? NaN)) / 86_400_000)
      .sort((a, b) => a - b);
    expect(leads.length).toBeGreaterThan(5);
    const m = Math.floor(leads.length / 2);
    const median = leads.length % 2 ? leads[m] : ((leads[m - 1] ?? 0) + (leads[m] ?? 0)) / 2;

    const ctx = {
      db: demo().db,
      window: { since: '2000-01-01', until: '2100-01-01' },
      privacy: { individuals: 'visible' as const, minGroupSize: 1 },
      viewer: { role: 'owner' as const },
    };
    const all = await epicLeadTime(ctx, null);
    expect(all.rows[0]?.values).toMatchObject({ epics: leads.length, from_children: leads.length });
    expect(all.rows[0]?.values.median_days).toBeCloseTo(median ?? NaN, 6);
    const byTeam = await epicLeadTime(ctx, 'team');
    const teams = demo().directory.teams.map((t) => t.id);
    expect(byTeam.rows.map((r) => r.key).sort()).toEqual([...teams].sort());
    for (const r of byTeam.rows) expect(r.values.median_days).toEqual(expect.any(Number));
  });
});
