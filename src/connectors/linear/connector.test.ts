import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { fixture, linearIssues, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { runSync } from '../sync/runner.js';
import { createLinearConnector } from './connector.js';

const KEY = 'lin_api_replayLinearKey0123456789';
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('POST', '/graphql', linearIssues(fixture('linear/issues.json')));
});
afterAll(() => server.close());

function make(clock = fakeClock()) {
  const r = createLinearConnector(
    sourceConfig('linear', {
      token_env: 'LINEAR_API_KEY',
      base_url: server.url,
      page_size: 2,
      teams: ['BIL', 'OPS'],
    }),
    { env: { LINEAR_API_KEY: KEY }, now: () => Date.parse('2026-07-10T00:00:00Z'), clock },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('Linear connector', () => {
  it('sends the API key without "Bearer" and pages with after/endCursor', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    const s = await runSync(db, make());
    const seen = server.requests.slice(mark);
    expect(seen.every((r) => r.headers.authorization === KEY)).toBe(true);
    const issueQueries = seen.filter((r) => (r.json as { query: string }).query.includes('issues('));
    const vars = issueQueries.map(
      (r) => (r.json as { variables: { after: unknown; filter: unknown } }).variables,
    );
    expect(vars.map((v) => v.after)).toEqual([null, 'c2', 'c4']);
    // No since in the file: the first sync starts 180 days before now.
    expect(vars[0]?.filter).toEqual({
      completedAt: { null: false },
      updatedAt: { gte: '2026-01-11T00:00:00.000Z' },
      team: { key: { in: ['BIL', 'OPS'] } },
    });
    // Three pages of issues, then one (empty) page of completed projects.
    expect(seen.length - issueQueries.length).toBe(1);
    expect(s).toMatchObject({ pages: 4, records: 3 });
    expect(s.problems.map((p) => p.field)).toEqual(['[0].completedAt']);
  });

  it('retries a RATELIMITED GraphQL error', async () => {
    server.script('POST', '/graphql', {
      status: 400,
      headers: { 'retry-after': '12' },
      json: { errors: [{ message: 'ratelimited', extensions: { code: 'RATELIMITED' } }] },
    });
    const clock = fakeClock();
    const s = await runSync(await memoryDb(), make(clock));
    expect(clock.waits).toEqual([12_000]);
    expect(s.records).toBe(3);
  });

  it('a GraphQL error is an upstream error naming the endpoint and the first message', async () => {
    server.script('POST', '/graphql', {
      json: { errors: [{ message: 'Cannot query field "estimat" on type "Issue".' }] },
    });
    await expect(runSync(await memoryDb(), make())).rejects.toThrow(
      /^POST 127\.0\.0\.1:\d+\/graphql: GraphQL error: Cannot query field "estimat" on type "Issue"\.$/,
    );
  });

  it('a sync killed after a page and resumed ends with exactly the records of an uninterrupted one', async () => {
    const r = await killAndResume(() => make(), 2);
    expect(JSON.parse(r.cursorAfterKill.run?.next ?? 'null')).toMatchObject({ phase: 'issues', at: 'c4' });
    expect(r.resumed).toMatchObject({ resumed: true, pages: 2 });
    expect(r.after).toEqual(r.expected);
    expect(r.metaText).not.toContain(KEY);
  });
});
