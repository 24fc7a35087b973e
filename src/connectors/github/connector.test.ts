import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { fixture, githubSearch, memoryDb, sourceConfig, text } from '../../../test/support/apis.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { MileageError } from '../../domain/errors.js';
import { readCursor } from '../sync/cursor.js';
import { runSync } from '../sync/runner.js';
import { createGithubConnector, graphqlUrl } from './connector.js';

const TOKEN = 'ghp_replayGithubToken000111222';
const nodes = fixture<Record<string, unknown>[]>('github/search-nodes.json');
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('POST', '/graphql', githubSearch(nodes));
});
afterAll(() => server.close());

function make(clock = fakeClock(), extra: Record<string, unknown> = {}) {
  const r = createGithubConnector(
    sourceConfig('github', {
      token_env: 'GH_TOKEN',
      repos: ['acme/billing'],
      base_url: server.url,
      page_size: 2,
      since: '2026-06-01',
      ...extra,
    }),
    { env: { GH_TOKEN: TOKEN }, now: () => Date.parse('2026-07-10T00:00:00Z'), clock },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('GitHub connector', () => {
  it('syncs merged PRs page by page through the GraphQL search, oldest update first', async () => {
    const db = await memoryDb();
    const before = server.requests.length;
    const s = await runSync(db, make());
    const seen = server.requests.slice(before);
    expect(s).toMatchObject({ pages: 4, records: 5, retries: 0, resumed: false });
    expect(s.problems.map((p) => p.field)).toEqual(['[0].number', '[0].mergedAt']);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect((seen[0]?.json as { variables: { q: string } }).variables.q).toBe(
      'repo:acme/billing is:pr is:merged updated:>=2026-06-01T00:00:00Z sort:updated-asc',
    );
    expect(seen.map((r) => (r.json as { variables: { after: unknown } }).variables.after)).toEqual([
      null,
      'c2',
      'c4',
      'c6',
    ]);
    const rows = await db.query('SELECT ref, ai_evidence, head_branch FROM outcomes ORDER BY ref');
    expect(rows).toEqual([
      { ref: '418', ai_evidence: 'commit markers: claude-code', head_branch: 'feat/BILL-231-pdf' },
      { ref: '419', ai_evidence: null, head_branch: 'deps/lodash' },
      { ref: '421', ai_evidence: 'commit markers: copilot', head_branch: 'copilot/fix-rounding' },
      { ref: '422', ai_evidence: null, head_branch: 'revert-418' },
      { ref: '423', ai_evidence: 'commit markers: cursor', head_branch: 'ops/OPS-77' },
    ]);
    expect(await readCursor(db, 'github')).toEqual({
      version: 1,
      watermark: '2026-07-06T09:00:00.000Z',
      run: null,
    });

    // The next run starts ten minutes before the watermark: the boundary PR is re-read, not duplicated.
    const mark = server.requests.length;
    const again = await runSync(db, make());
    expect((server.requests[mark]?.json as { variables: { q: string } }).variables.q).toContain(
      'updated:>=2026-07-06T08:50:00Z',
    );
    expect(again).toMatchObject({ pages: 1, records: 0 });
    expect((await db.counts()).outcomes).toBe(5);
  });

  it('a sync killed after a page and resumed ends with exactly the records of an uninterrupted one', async () => {
    const r = await killAndResume(() => make(), 2);
    expect(r.killError).toEqual(new Error('killed'));
    expect(r.partial.length).toBeGreaterThan(0);
    expect(r.partial.length).toBeLessThan(r.expected.length);
    expect(r.cursorAfterKill.run).toMatchObject({ pages: 2, since: '2026-06-01T00:00:00.000Z' });
    expect(r.resumed).toMatchObject({ resumed: true, pages: 2 });
    expect(r.after).toEqual(r.expected);
    expect(r.metaText).not.toContain(TOKEN);
  });

  it('waits out a secondary rate limit for the time GitHub gives, through the injected sleep', async () => {
    server.script('POST', '/graphql', {
      status: 403,
      headers: { 'retry-after': '30' },
      json: { message: 'You have exceeded a secondary rate limit.' },
    });
    const clock = fakeClock();
    const s = await runSync(await memoryDb(), make(clock));
    expect(clock.waits).toEqual([30_000]);
    expect(s).toMatchObject({ retries: 1, records: 5 });
  });

  it('retries 5xx, and stops on a malformed page with an upstream error; the resumed run completes', async () => {
    const db = await memoryDb();
    server.script('POST', '/graphql', { status: 502 }, { json: { data: { search: relayless() } } });
    // The first page succeeds after the 502; the second is malformed JSON.
    const first = server.requests.length;
    server.script('POST', '/graphql', { text: '{"data": {"search": ' });
    const clock = fakeClock();
    const error = await runSync(db, make(clock)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MileageError);
    expect((error as MileageError).message).toMatch(
      /^POST 127\.0\.0\.1:\d+\/graphql: the response is not valid JSON/,
    );
    expect(String((error as Error).message)).not.toContain(TOKEN);
    expect(clock.waits).toHaveLength(1);
    expect(server.requests.length - first).toBe(3);
    expect((await readCursor(db, 'github')).run?.pages).toBe(1);
    const s = await runSync(db, make());
    expect(s.resumed).toBe(true);
    expect((await db.counts()).outcomes).toBe(5);
  });

  it('past the search cap, continues with a query starting at the newest PR read', async () => {
    const capped = await ReplayServer.start();
    capped.route(
      'POST',
      '/graphql',
      githubSearch(
        nodes.filter((n) => 'number' in n),
        3,
      ),
    );
    try {
      const db = await memoryDb();
      const r = createGithubConnector(
        sourceConfig('github', {
          token_env: 'GH_TOKEN',
          repos: ['acme/billing'],
          base_url: capped.url,
          page_size: 2,
        }),
        { env: { GH_TOKEN: TOKEN }, now: () => Date.parse('2026-07-10T00:00:00Z'), clock: fakeClock() },
      );
      if (!r.ok) throw new Error('bad settings');
      const s = await runSync(db, r.value);
      const windows = capped.requests.map(
        (q) => /updated:>=(\S+)/.exec((q.json as { variables: { q: string } }).variables.q)?.[1],
      );
      expect([...new Set(windows)]).toEqual([
        '2026-01-11T00:00:00Z',
        '2026-07-03T16:00:01Z',
        '2026-07-05T09:00:00Z',
      ]);
      // The PR at each restart's boundary is read twice and stored once.
      expect(s).toMatchObject({ records: 7, alreadyStored: 2 });
      expect((await db.counts()).outcomes).toBe(5);
    } finally {
      await capped.close();
    }
  });

  it('a missing token variable is a config error naming the variable, not a value', () => {
    expect(() =>
      createGithubConnector(sourceConfig('github', { token_env: 'NOPE_TOKEN', repos: ['a/b'] }), {
        env: {},
        now: Date.now,
      }),
    ).toThrow(/sources\.github\.token_env: the environment variable NOPE_TOKEN is not set/);
  });

  it('validates its settings with the file place of each issue', () => {
    const r = createGithubConnector(
      sourceConfig('github', { token_env: 'GH_TOKEN', repos: ['nope'], colour: 1 }),
      {
        env: { GH_TOKEN: TOKEN },
        now: Date.now,
      },
    );
    expect(r.ok ? [] : r.error.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'github.repos.0: expected a repository as owner/name',
      'github.colour: unknown field "colour"',
    ]);
  });

  it('GitHub Enterprise: the GraphQL endpoint sits beside the REST root', () => {
    expect(graphqlUrl('https://api.github.com').href).toBe('https://api.github.com/graphql');
    expect(graphqlUrl('https://ghe.example.com/api/v3/').href).toBe('https://ghe.example.com/api/graphql');
  });
});

/** The first two fixture nodes in time order, as a first page would serve them. */
function relayless() {
  const sorted = [...nodes].sort((a, b) => text(a, 'updatedAt').localeCompare(text(b, 'updatedAt')));
  return {
    issueCount: sorted.length,
    pageInfo: { hasNextPage: true, endCursor: 'c2' },
    nodes: sorted.slice(0, 2),
  };
}
