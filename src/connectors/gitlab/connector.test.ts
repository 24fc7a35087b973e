import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { fixture, gitlabProject, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { runSync } from '../sync/runner.js';
import { createGitlabConnector } from './connector.js';

const TOKEN = 'glpat-replayGitlabToken0001';
const LIST = `/api/v4/projects/${encodeURIComponent('acme/billing')}/merge_requests`;
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  gitlabProject(
    server,
    'acme/billing',
    fixture('gitlab/merge-requests.json'),
    fixture('gitlab/mr-commits.json'),
    fixture('gitlab/mr-diffs.json'),
    fixture('gitlab/mr-approvals.json'),
    fixture('gitlab/mr-notes.json'),
  );
});
afterAll(() => server.close());

function make(clock = fakeClock()) {
  const r = createGitlabConnector(
    sourceConfig('gitlab', {
      token_env: 'GL_TOKEN',
      projects: ['acme/billing'],
      base_url: `${server.url}/`,
      page_size: 2,
      since: '2026-06-01',
    }),
    { env: { GL_TOKEN: TOKEN }, now: Date.now, clock },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('GitLab connector', () => {
  it('syncs merged MRs with x-next-page pagination, commits and diffs per MR', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    const s = await runSync(db, make());
    const lists = server.requests.slice(mark).filter((r) => r.path === LIST);
    expect(lists.map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
    expect(Object.fromEntries(lists[0]?.query ?? [])).toMatchObject({
      state: 'merged',
      order_by: 'updated_at',
      sort: 'asc',
      updated_after: '2026-06-01T00:00:00.000Z',
    });
    expect(lists[0]?.headers['private-token']).toBe(TOKEN);
    expect(s).toMatchObject({ pages: 3, records: 3 });
    expect(s.problems.map((p) => p.field)).toEqual(['[1].commits[1].message', '[0].created_at']);
    const rows = await db.query(
      'SELECT ref, repo, ai_evidence, effective_lines, CAST(approved_at AS VARCHAR) AS approved FROM outcomes ORDER BY ref',
    );
    expect(rows).toEqual([
      {
        ref: '77',
        repo: 'gitlab.example.com/acme/billing',
        ai_evidence: 'commit markers: claude-code',
        effective_lines: 4,
        approved: '2026-07-02 11:20:00+00',
      },
      {
        ref: '78',
        repo: 'gitlab.example.com/acme/billing',
        ai_evidence: null,
        effective_lines: 4,
        approved: null,
      },
      {
        ref: '80',
        repo: 'gitlab.example.com/acme/billing',
        ai_evidence: 'commit markers: cursor',
        effective_lines: 2,
        approved: '2026-07-04 10:15:00+00',
      },
    ]);
    // Notes are read oldest first, for every merged MR.
    const notes = server.requests.slice(mark).filter((r) => r.path === `${LIST}/77/notes`);
    expect(Object.fromEntries(notes[0]?.query ?? [])).toMatchObject({ sort: 'asc', order_by: 'created_at' });
    // The unmerged MR's details are never fetched.
    expect(server.requests.some((r) => r.path === `${LIST}/79/commits`)).toBe(false);
  });

  it('honours 429 Retry-After on the list', async () => {
    server.script('GET', LIST, { status: 429, headers: { 'retry-after': '7' } });
    const clock = fakeClock();
    const s = await runSync(await memoryDb(), make(clock));
    expect(clock.waits).toEqual([7000]);
    expect(s).toMatchObject({ retries: 1, records: 3 });
  });

  it('a sync killed after a page and resumed ends with exactly the records of an uninterrupted one', async () => {
    const r = await killAndResume(() => make(), 1);
    expect(r.partial.map((o) => o.ref)).toEqual(['77', '78'].sort());
    expect(r.cursorAfterKill.run?.next).toBe(JSON.stringify({ project: 0, page: 2 }));
    expect(r.resumed).toMatchObject({ resumed: true, pages: 2 });
    expect(r.after).toEqual(r.expected);
    expect(r.expected.length).toBe(3);
    expect(r.metaText).not.toContain(TOKEN);
  });
});
