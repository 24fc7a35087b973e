import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { fixture, githubSearch, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { identityHash } from '../../domain/ids.js';
import { runSync } from '../sync/runner.js';
import { createGithubIssuesConnector } from './connector.js';

const TOKEN = 'ghp_replayIssuesToken000111222333';
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('POST', '/graphql', githubSearch(fixture('github-issues/issue-nodes.json')));
});
afterAll(() => server.close());

function make(extra: Record<string, unknown> = {}) {
  const r = createGithubIssuesConnector(
    sourceConfig('issues', {
      type: 'github-issues',
      token_env: 'GH_TOKEN',
      repos: ['acme/billing'],
      base_url: server.url,
      page_size: 3,
      since: '2026-06-01',
      ...extra,
    }),
    { env: { GH_TOKEN: TOKEN }, now: () => Date.parse('2026-06-20T00:00:00Z'), clock: fakeClock() },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const tickets = async (db: Awaited<ReturnType<typeof memoryDb>>) =>
  db.query(
    `SELECT ref, actor_hash, points, points_basis, category, linked_tickets, kind FROM outcomes ORDER BY ref`,
  );

describe('GitHub Issues connector', () => {
  it('closed completed issues are tickets: assignee, label points, closing PRs; bad ones listed', async () => {
    const db = await memoryDb();
    const before = server.requests.length;
    const s = await runSync(db, make());
    const q = (server.requests[before]?.json as { variables: { q: string } }).variables.q;
    expect(q).toBe('repo:acme/billing is:issue is:closed updated:>=2026-06-01T00:00:00Z sort:updated-asc');
    // 7 nodes: 103 not planned (skipped), 105 bad (listed), 106's points label is no number (refused, listed).
    expect(s).toMatchObject({ pages: 3, records: 5, written: 4 });
    expect(s.problems.map((p) => p.field)).toEqual(['[1].closedAt', 'points']);
    expect(await tickets(db)).toEqual([
      {
        ref: 'acme/billing#101',
        actor_hash: identityHash('ana-silva'),
        points: 3,
        points_basis: 'estimate',
        category: 'ktlo',
        linked_tickets: ['acme/billing#418'],
        kind: 'ticket_closed',
      },
      {
        ref: 'acme/billing#102',
        actor_hash: identityHash('bo-chen'),
        points: 5,
        points_basis: 'estimate',
        category: 'new_value',
        linked_tickets: [],
        kind: 'ticket_closed',
      },
      {
        ref: 'acme/billing#104',
        actor_hash: null,
        points: null,
        points_basis: null,
        category: 'ktlo',
        linked_tickets: [],
        kind: 'ticket_closed',
      },
      {
        ref: 'acme/billing#107',
        actor_hash: identityHash('cy-diaz'),
        points: 1,
        points_basis: 'estimate',
        category: 'new_value',
        linked_tickets: ['acme/billing#421', 'acme/billing#423'],
        kind: 'ticket_closed',
      },
    ]);
    await db.close();
  });

  it('a Projects number field, when configured, gives the points before the label', async () => {
    const db = await memoryDb();
    await runSync(db, make({ points_field: 'points' }));
    const got = await tickets(db);
    expect(got.find((t) => t.ref === 'acme/billing#102')?.points).toBe(8);
    expect(got.find((t) => t.ref === 'acme/billing#101')?.points).toBe(3);
    await db.close();
  });
});
