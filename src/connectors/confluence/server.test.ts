import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { confluenceServer, type ConfluenceServerSite } from '../../../test/support/docs-apis.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { identityHash } from '../../domain/ids.js';
import { runSync } from '../sync/runner.js';
import { createConfluenceServerConnector, serverCql } from './server.js';

const TOKEN = 'NjM4confluenceServerPat000111222';
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  confluenceServer(server, fixture<ConfluenceServerSite>('confluence/server-docs.json'));
});
afterAll(() => server.close());

function make(extra: Record<string, unknown> = {}) {
  const r = createConfluenceServerConnector(
    sourceConfig('wiki-dc', {
      type: 'confluence-server',
      token_env: 'CONFLUENCE_PAT',
      base_url: server.url,
      spaces: ['DOCS'],
      page_size: 2,
      since: '2026-06-01',
      ...extra,
    }),
    { env: { CONFLUENCE_PAT: TOKEN }, now: () => Date.parse('2026-07-01T00:00:00Z'), clock: fakeClock() },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('Confluence Data Center connector', () => {
  it('the CQL asks for the spaces and types modified since the window, 14 hours early, newest first', () => {
    expect(serverCql(['DOCS', 'ENG'], ['page'], new Date('2026-06-01T00:00:00Z'))).toBe(
      'space in ("DOCS","ENG") and type in (page) and lastmodified >= "2026-05-31 10:00" order by lastmodified desc',
    );
  });

  it('the same documents as Cloud from the same history: new and substantial versions, by user name', async () => {
    const db = await memoryDb();
    const s = await runSync(db, make({ workflows: { DOCS: 'docs-writing' } }));
    // 65606, planted bad (its createdDate is no time): second of the second page (pages and posts together).
    expect(s.problems.map((p) => p.field)).toEqual(['results[1].history.createdDate']);
    const rows = await db.query(
      `SELECT ref, CAST(occurred_at AS VARCHAR) AS at, actor_hash, additions, deletions, work_type, workflow, repo
       FROM outcomes ORDER BY occurred_at`,
    );
    // The truth of the Cloud test (the same bodies and versions, computed apart from the code).
    const row = (ref: string, at: string, who: string, add: number, del: number, type: string) => ({
      ref,
      at,
      actor_hash: identityHash(who),
      additions: add,
      deletions: del,
      work_type: type,
      workflow: 'docs-writing',
      repo: `${new URL(server.url).hostname}/display/docs`,
    });
    expect(rows).toEqual([
      row('65605', '2026-06-05 14:00:00+00', 'bo', 0, 120, 'page:update'),
      row('65601', '2026-06-10 09:00:00+00', 'ana', 120, 0, 'page:new'),
      row('65602', '2026-06-15 12:00:00+00', 'bo', 150, 0, 'page:update'),
      row('65603', '2026-06-18 08:30:00+00', 'cy', 50, 0, 'page:update'),
      row('77801', '2026-06-20 16:00:00+00', 'cy', 80, 0, 'blogpost:new'),
    ]);
    await db.close();
  });
});
