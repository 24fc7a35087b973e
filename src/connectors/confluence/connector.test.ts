import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { confluenceCloud, type ConfluenceSite } from '../../../test/support/docs-apis.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { identityHash } from '../../domain/ids.js';
import { runSync } from '../sync/runner.js';
import { createConfluenceConnector } from './connector.js';

const TOKEN = 'ATATTconfluenceReplayToken000111';
const site = fixture<ConfluenceSite>('confluence/space-docs.json');
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  confluenceCloud(server, site);
});
afterAll(() => server.close());

function make(extra: Record<string, unknown> = {}) {
  const r = createConfluenceConnector(
    sourceConfig('wiki', {
      type: 'confluence',
      token_env: 'CONFLUENCE_TOKEN',
      email: 'ops@acme.com',
      base_url: server.url,
      spaces: ['DOCS'],
      page_size: 2,
      since: '2026-06-01',
      ...extra,
    }),
    { env: { CONFLUENCE_TOKEN: TOKEN }, now: () => Date.parse('2026-07-01T00:00:00Z'), clock: fakeClock() },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const stored = (db: Awaited<ReturnType<typeof memoryDb>>) =>
  db.query(
    `SELECT ref, kind, CAST(occurred_at AS VARCHAR) AS at, actor_hash, repo, additions, deletions,
       effective_lines, work_type, category, workflow
     FROM outcomes ORDER BY occurred_at`,
  );

// The truth, computed apart from this code (an HTML parser's text, split on white space, over the fixture's
// bodies; then the rule: new, or ≥ 100 words, or ≥ 20% of the size before, never < 10 words).
const ANA = '5b10a2844c20165700ede21g';
const BO = '5b10ac8d82e05b22cc7d4ef5';
const CY = '712020:2c8e7b0e-5f4d-4f0c-9a51-0c1d2f3a4b5c';

describe('Confluence connector', () => {
  it('new and substantially updated pages and blog posts since the window, in words, by their authors', async () => {
    const db = await memoryDb();
    const s = await runSync(db, make({ workflows: { DOCS: 'docs-writing' } }));
    // 65606 is planted bad (createdAt is no instant): listed, skipped (first of the second page of 2).
    expect(s.problems.map((p) => p.field)).toEqual(['results[0].createdAt']);
    // The store keeps containers as it keeps repositories: one lower-case key.
    const container = `${new URL(server.url).hostname}/wiki/spaces/docs`;
    const row = (ref: string, at: string, who: string, add: number, del: number, type: string) => ({
      ref,
      kind: 'doc_published',
      at,
      actor_hash: identityHash(who),
      repo: container,
      additions: add,
      deletions: del,
      effective_lines: add + del,
      work_type: type,
      category: type.endsWith(':new') ? 'new_value' : 'unknown',
      workflow: 'docs-writing',
    });
    expect(await stored(db)).toEqual([
      row('65605', '2026-06-05 14:00:00+00', BO, 0, 120, 'page:update'),
      row('65601', '2026-06-10 09:00:00+00', ANA, 120, 0, 'page:new'),
      // 65602's version 2 added 5 words (not substantial); version 3 added 150.
      row('65602', '2026-06-15 12:00:00+00', BO, 150, 0, 'page:update'),
      // 200 → 250 words: 50 words is 25% of the size before.
      row('65603', '2026-06-18 08:30:00+00', CY, 50, 0, 'page:update'),
      row('77801', '2026-06-20 16:00:00+00', CY, 80, 0, 'blogpost:new'),
    ]);
    // The archived page (65604) and the one older than the window (65607) were never asked for versions.
    expect(server.seen('GET', '/wiki/api/v2/pages/65604/versions')).toHaveLength(0);
    expect(server.seen('GET', '/wiki/api/v2/pages/65607/versions')).toHaveLength(0);
    await db.close();
  });

  it('stores no title or text of any document', async () => {
    const db = await memoryDb();
    await runSync(db, make());
    const all = JSON.stringify(await db.query('SELECT * FROM outcomes'));
    expect(all).not.toContain('not read by Mileage');
    for (const word of ['runbook', 'canary', 'latency']) expect(all).not.toContain(word);
    await db.close();
  });

  it('a stricter rule counts fewer updates; an unknown space is a clear error', async () => {
    const db = await memoryDb();
    await runSync(db, make({ min_change_words: 130, min_change_percent: 50, content: ['page'] }));
    expect((await stored(db)).map((r) => r.ref)).toEqual(['65601', '65602']);
    const error = await runSync(db, make({ spaces: ['NOPE'] })).catch((e: unknown) => e);
    expect(String(error)).toContain('no space NOPE visible to this token');
    await db.close();
  });
});
