import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../test/support/fake-clock.js';
import {
  fixture,
  githubSearch,
  jiraSearch,
  linearIssues,
  memoryDb,
  sourceConfig,
} from '../../test/support/apis.js';
import { ReplayServer } from '../../test/support/replay-server.js';
import { createGithubConnector } from '../connectors/github/connector.js';
import { createJiraConnector } from '../connectors/jira/connector.js';
import { createLinearConnector } from '../connectors/linear/connector.js';
import { runSync } from '../connectors/sync/runner.js';
import { parseOrgFile } from '../org/load.js';
import type { Db } from '../store/db.js';
import { epicLeadTime } from './epic-lead-time.js';
import { findQuery } from './registry.js';

/**
 * Epic lead time on scripted Jira and Linear pages (test/fixtures/epics, shapes and origin in ORIGIN.md),
 * read through the real connectors into a real DuckDB, against lead times computed by hand below.
 */
const DAY = 86_400_000;
const days = (start: string, done: string) => (Date.parse(done) - Date.parse(start)) / DAY;

/*
 * The hand computation. An epic's start is the earliest of its children's starts, a child's start being its
 * recorded start, else its creation; an epic with no known child starts at its own start, else creation.
 *
 * Jira, team-managed TM-1 (children by `parent`), done 2026-06-20T12:00Z:
 *   TM-2 first status change 2026-05-06T10:00+0200 = 08:00Z (histories listed newest first);
 *   TM-3 first status change 2026-05-12T09:00Z (its earlier assignee change is no start; it was created
 *   05-01, but a known start wins over creation); TM-4 no status change: created 2026-05-10T00:00Z.
 *   → start 2026-05-06T08:00Z; 45 days 4 hours.
 * Jira, company-managed CM-10 (no assignee), done 2026-06-25T17:00-0700 = 2026-06-26T00:00Z:
 *   CM-11 by Epic Link only, first status change 2026-05-28; CM-12 by parent and Epic Link, no changelog:
 *   created 2026-05-25; CM-13 is a sub-task of CM-12 (created 05-01): not an epic child.
 *   → start 2026-05-25T00:00Z; 32 days. Its team: its children's (Cy's, platform).
 * Jira CM-20 (Cy), no children: created 2026-06-01, done 2026-06-11 → 10 days, started by the epic itself.
 * Linear project …0001 (lead Ana), completed 2026-06-15: COR-1 started 2026-05-05T06:00Z; COR-2 never
 *   started, created 2026-05-04T00:00Z → start 2026-05-04 (not the project's own startedAt 05-01); 42 days.
 * Linear project …0002 (lead Cy), completed 2026-06-22T12:00Z: PLT-1 started 2026-05-18T12:00Z → 35 days.
 * Linear project …0003 was canceled: no epic. Project …0004 (no lead, no issues) started 2026-06-03,
 *   completed 2026-06-13 → 10 days, unattributed.
 * Per team: core (Ana, Bo) [45 d 4 h, 42] → median 43 d 14 h; platform (Cy) [10, 32, 35] → 32;
 * unattributed [10].
 */
const TM1 = days('2026-05-06T08:00:00Z', '2026-06-20T12:00:00Z');
const CM10 = days('2026-05-25T00:00:00Z', '2026-06-26T00:00:00Z');
const CM20 = days('2026-06-01T00:00:00Z', '2026-06-11T00:00:00Z');
const P1 = days('2026-05-04T00:00:00Z', '2026-06-15T00:00:00Z');
const P2 = days('2026-05-18T12:00:00Z', '2026-06-22T12:00:00Z');
const P4 = days('2026-06-03T00:00:00Z', '2026-06-13T00:00:00Z');

const ORG = `org: acme
privacy: { individuals: visible, min_group_size: 1 }
teams:
  - { id: core, name: Core }
  - { id: platform, name: Platform }
people:
  - { id: ana, name: Ana, team: core, tracker_ids: [acc-ana, u-ana], logins: [ana-gh] }
  - { id: bo, name: Bo, team: core, tracker_ids: [acc-bo, u-bo], logins: [bo-gh] }
  - { id: cy, name: Cy, team: platform, tracker_ids: [acc-cy, u-cy], logins: [cy-gh] }
`;

let server: ReplayServer;
let db: Db;
const env = { JIRA_TOKEN: 'ATATTreplayEpics0123456789', LINEAR_API_KEY: 'lin_api_replayEpics0123456789' };
const deps = { env, now: () => Date.parse('2026-07-01T00:00:00Z'), clock: fakeClock() };

beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('GET', '/rest/api/3/field', () => ({ json: fixture('epics/jira-fields.json') }));
  server.route('POST', '/rest/api/3/search/jql', jiraSearch(fixture('epics/jira-search-jql.json')));
  server.route(
    'POST',
    '/graphql',
    linearIssues(fixture('epics/linear-issues.json'), fixture('epics/linear-projects.json')),
  );
  db = await memoryDb();
  const org = parseOrgFile(ORG, 'mileage.yaml');
  if (!org.ok) throw new Error(JSON.stringify(org.error));
  await db.loadDirectory(org.value);
  const settings = { base_url: server.url, page_size: 3, since: '2026-03-01' };
  const jira = createJiraConnector(
    sourceConfig('jira', { ...settings, token_env: 'JIRA_TOKEN', email: 'bot@acme.com' }),
    deps,
  );
  const linear = createLinearConnector(
    sourceConfig('linear', { ...settings, token_env: 'LINEAR_API_KEY' }),
    deps,
  );
  if (!jira.ok || !linear.ok) throw new Error('connector settings');
  await runSync(db, jira.value);
  await runSync(db, linear.value);
});
afterAll(() => server.close());

const ctx = (since: string, until: string) => ({
  db,
  window: { since, until },
  privacy: { individuals: 'visible' as const, minGroupSize: 1 },
  viewer: { role: 'owner' as const },
});
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

describe('epic lead time', () => {
  it('asks Jira for parent, the Epic Link field it found by name and the changelog', () => {
    const search = server.requests.find((r) => r.path === '/rest/api/3/search/jql');
    const body = search?.json as { fields: string[]; expand: string };
    expect(body.fields).toEqual(expect.arrayContaining(['parent', 'customfield_10014', 'customfield_10016']));
    expect(body.expand).toBe('changelog');
  });

  it('stores epics apart from tickets, and each child with its epic and start', async () => {
    const rows = await db.query(
      `SELECT ref, kind, parent_ref, strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M') AS started
       FROM outcomes WHERE source = 'jira' ORDER BY ref`,
    );
    expect(rows).toEqual([
      { ref: 'CM-10', kind: 'epic_done', parent_ref: null, started: null },
      { ref: 'CM-11', kind: 'ticket_closed', parent_ref: 'CM-10', started: '2026-05-28T00:00' },
      { ref: 'CM-12', kind: 'ticket_closed', parent_ref: 'CM-10', started: null },
      { ref: 'CM-13', kind: 'ticket_closed', parent_ref: null, started: null },
      { ref: 'CM-20', kind: 'epic_done', parent_ref: null, started: null },
      { ref: 'TM-1', kind: 'epic_done', parent_ref: null, started: null },
      { ref: 'TM-2', kind: 'ticket_closed', parent_ref: 'TM-1', started: '2026-05-06T08:00' },
      { ref: 'TM-3', kind: 'ticket_closed', parent_ref: 'TM-1', started: '2026-05-12T09:00' },
      { ref: 'TM-4', kind: 'ticket_closed', parent_ref: 'TM-1', started: null },
    ]);
    const projects = await db.query(
      "SELECT count(*) AS n FROM outcomes WHERE source = 'linear' AND kind = 'epic_done'",
    );
    expect(Number(projects[0]?.n)).toBe(3);
  });

  it('per team: the medians of the hand-computed lead times', async () => {
    const t = await epicLeadTime(ctx('2026-06-01', '2026-07-01'), 'team');
    const byKey = Object.fromEntries(t.rows.map((r) => [r.key, r.values]));
    expect(Object.keys(byKey).sort()).toEqual(['core', 'platform', 'unattributed']);
    expect(byKey.core?.median_days).toBeCloseTo(median([TM1, P1]), 9);
    expect(byKey.platform?.median_days).toBeCloseTo(median([CM10, CM20, P2]), 9);
    expect(byKey.unattributed?.median_days).toBeCloseTo(P4, 9);
    expect(byKey.core).toMatchObject({ epics: 2, from_children: 2, children: 5 });
    expect(byKey.platform).toMatchObject({ epics: 3, from_children: 2, children: 3 });
    expect(byKey.unattributed).toMatchObject({ epics: 1, from_children: 0, children: 0 });
  });

  it('the trend: against the window before, and a window with no epic has no row', async () => {
    const all = await epicLeadTime(ctx('2026-06-01', '2026-07-01'), null);
    expect(all.rows[0]?.values.median_days).toBeCloseTo(median([TM1, CM10, CM20, P1, P2, P4]), 9);
    expect(all.rows[0]?.values.previous_days).toBeNull();
    // 06-01..06-15 holds CM-20 and project …0004; 06-15..06-29 the four others; May holds no epic done.
    const late = await epicLeadTime(ctx('2026-06-15', '2026-06-29'), null);
    const early = await epicLeadTime(ctx('2026-06-01', '2026-06-15'), null);
    expect(early.rows[0]?.values.median_days).toBeCloseTo(median([CM20, P4]), 9);
    expect(late.rows[0]?.values.median_days).toBeCloseTo(median([TM1, CM10, P1, P2]), 9);
    expect(late.rows[0]?.values.previous_days).toBeCloseTo(median([CM20, P4]), 9);
    expect(late.rows[0]?.values.change).toBeCloseTo(median([TM1, CM10, P1, P2]) / median([CM20, P4]), 9);
    expect((await epicLeadTime(ctx('2026-05-01', '2026-06-01'), null)).rows).toEqual([]);
  });

  it('under hidden individuals, a one-person team folds into "other" and people are never rows', async () => {
    const hidden = {
      ...ctx('2026-06-01', '2026-07-01'),
      privacy: { individuals: 'hidden' as const, minGroupSize: 2 },
    };
    const byTeam = await epicLeadTime({ ...hidden, viewer: { role: 'viewer' } }, 'team');
    const keys = byTeam.rows.map((r) => r.key);
    expect(keys).not.toContain('platform'); // Cy alone
    expect(keys.some((k) => k.startsWith('other'))).toBe(true);
    const byPerson = await epicLeadTime({ ...hidden, viewer: { role: 'viewer' } }, 'person');
    expect(byPerson.by).toBe('team');
    expect(JSON.stringify(byPerson)).not.toMatch(/\b(Ana|Bo|Cy)\b/);
  });

  it('is a catalog query by id, groupable by team', () => {
    expect(findQuery('effectiveness.epic_lead_time')?.dims).toContain('team');
  });
});

/*
 * GitHub, repository acme/web (test/fixtures/epics/github-pulls.json): milestone 3 closed 2026-06-24T00:00Z.
 * PR 10 opened at its first commit 2026-05-30T12:00Z (before the PR's creation on 06-01); PR 11 created
 * 2026-06-03 → start 2026-05-30T12:00Z, 24.5 days; no owner, so the team of its PRs' authors (Ana, Bo: core).
 * Milestone 4 is still open: no epic, though PR 12 names it.
 */
describe('epic lead time of GitHub milestones', () => {
  it('a closed milestone is an epic of its merged PRs', async () => {
    const gh = await ReplayServer.start();
    try {
      gh.route('POST', '/graphql', githubSearch(fixture('epics/github-pulls.json')));
      const ghDb = await memoryDb();
      const org = parseOrgFile(ORG, 'mileage.yaml');
      if (!org.ok) throw new Error(JSON.stringify(org.error));
      await ghDb.loadDirectory(org.value);
      const c = createGithubConnector(
        sourceConfig('github', {
          token_env: 'GH_TOKEN',
          base_url: gh.url,
          repos: ['acme/web'],
          since: '2026-05-01',
        }),
        { env: { GH_TOKEN: 'ghp_replayEpics0123456789' }, now: deps.now, clock: fakeClock() },
      );
      if (!c.ok) throw new Error(JSON.stringify(c.error));
      await runSync(ghDb, c.value);
      const query = (gh.requests[0]?.json as { query: string }).query;
      expect(query).toContain('milestone { number state createdAt closedAt }');
      const t = await epicLeadTime({ ...ctx('2026-06-01', '2026-07-01'), db: ghDb }, 'team');
      expect(t.rows.map((r) => [r.key, r.values.epics, r.values.children])).toEqual([['core', 1, 2]]);
      expect(t.rows[0]?.values.median_days).toBeCloseTo(
        days('2026-05-30T12:00:00Z', '2026-06-24T00:00:00Z'),
        9,
      );
      await ghDb.close();
    } finally {
      await gh.close();
    }
  });
});
