import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { fixture, jiraSearch, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { readCursor } from '../sync/cursor.js';
import { runSync } from '../sync/runner.js';
import { createJiraConnector, jqlFor } from './connector.js';

const TOKEN = 'ATATTreplayJiraToken0123456';
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('GET', '/rest/api/3/field', () => ({ json: fixture('jira/fields.json') }));
  server.route('POST', '/rest/api/3/search/jql', jiraSearch(fixture('jira/sync-issues.json')));
});
afterAll(() => server.close());

function make(extra: Record<string, unknown> = {}, clock = fakeClock()) {
  const r = createJiraConnector(
    sourceConfig('jira', {
      token_env: 'JIRA_TOKEN',
      email: 'bot@acme.com',
      base_url: server.url,
      jql: 'project in (BILL, OPS)',
      page_size: 3,
      since: '2026-06-01',
      ...extra,
    }),
    { env: { JIRA_TOKEN: TOKEN }, now: Date.now, clock },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('Jira connector', () => {
  it('follows nextPageToken and asks for the story-points field it found by name', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    const s = await runSync(db, make());
    const searches = server.requests.slice(mark).filter((r) => r.path === '/rest/api/3/search/jql');
    const bodies = searches.map((r) => r.json as { jql: string; fields: string[]; nextPageToken?: string });
    expect(bodies.map((b) => b.nextPageToken)).toEqual([undefined, 't:3', 't:6']);
    // "Story Points" (company-managed) is the only story-points name in this site's field list… after
    // "Story point estimate", which is preferred.
    expect(bodies[0]?.fields).toContain('customfield_10016');
    expect(bodies[0]?.jql).toBe(
      '(project in (BILL, OPS)) AND statusCategory = Done AND updated >= "2026-05-31 10:00" ORDER BY updated ASC',
    );
    const basic = Buffer.from(`bot@acme.com:${TOKEN}`).toString('base64');
    expect(searches[0]?.headers.authorization).toBe(`Basic ${basic}`);
    expect(s).toMatchObject({ pages: 3, records: 6 });
    expect((await readCursor(db, 'jira')).watermark).toBe('2026-07-06T09:00:00.000Z');
  });

  it('uses the configured story-points and Epic Link fields without looking them up', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    await runSync(db, make({ story_points_field: 'customfield_10026', epic_link_field: 'none' }));
    expect(server.requests.slice(mark).some((r) => r.path === '/rest/api/3/field')).toBe(false);
    const rows = await db.query(
      "SELECT ref, points FROM outcomes WHERE ref IN ('BILL-231', 'OPS-10') ORDER BY ref",
    );
    expect(rows).toEqual([
      { ref: 'BILL-231', points: 5 },
      { ref: 'OPS-10', points: 8 },
    ]);
  });

  it('a sync killed after a page and resumed ends with exactly the records of an uninterrupted one', async () => {
    const r = await killAndResume(() => make(), 1);
    expect(r.cursorAfterKill.run?.next).toBe('t:3');
    expect(r.partial.length).toBe(3);
    expect(r.resumed).toMatchObject({ resumed: true, pages: 2 });
    expect(r.after).toEqual(r.expected);
    expect(r.metaText).not.toContain(TOKEN);
    expect(r.metaText).not.toContain(Buffer.from(`bot@acme.com:${TOKEN}`).toString('base64'));
  });

  it('JQL without a filter or a window', () => {
    expect(jqlFor(undefined, null)).toBe('statusCategory = Done ORDER BY updated ASC');
  });
});
