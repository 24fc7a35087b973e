import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { notionApi, type NotionWorkspace } from '../../../test/support/docs-apis.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { identityHash } from '../../domain/ids.js';
import { runSync } from '../sync/runner.js';
import { createNotionConnector, NOTION_VERSION } from './connector.js';

const TOKEN = 'secret_notionReplayIntegration0001112';
const ws = fixture<NotionWorkspace>('notion/workspace.json');
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  notionApi(server, ws);
});
afterAll(() => server.close());

function make(extra: Record<string, unknown> = {}) {
  const r = createNotionConnector(
    sourceConfig('notion', {
      token_env: 'NOTION_TOKEN',
      base_url: server.url,
      page_size: 2,
      since: '2026-06-01',
      ...extra,
    }),
    { env: { NOTION_TOKEN: TOKEN }, now: () => Date.parse('2026-07-01T00:00:00Z'), clock: fakeClock() },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const stored = (db: Awaited<ReturnType<typeof memoryDb>>) =>
  db.query(
    `SELECT ref, kind, CAST(occurred_at AS VARCHAR) AS at, actor_hash, repo, additions, work_type, workflow
     FROM outcomes ORDER BY occurred_at`,
  );

// The truth, computed apart from this code (the plain_text of every block, nested ones too but not child
// pages, split on white space): 140, 130 (130 one-word blocks over two block pages) and 45 words.
const N1 = 'db5b5fab8f4d3e27dda1494c73cf256d';
const N2 = '9279b1e987efda6b5e68b7ca482ea760';
const N7 = '44d9e2a2324b8a8ab0ef11b0b5e5ae84';
const DB = 'a1d8501e1ac143e9a6bdea9fe6c8822b';
const PARENT = 'a7e32210c1514b968b94ea659b1e8e4f';
const ANA = '71e95936-2737-4e11-b03d-f174f6f13087';
const BO = '5ba97cc9-e5e0-4363-b33a-1d80a635577f';
const CY = 'c2f20311-9e54-4d11-8c79-7398424ae41e';

describe('Notion connector', () => {
  it('pages created in the window, by their creators, in words; edits of older pages and archived ones are not', async () => {
    const db = await memoryDb();
    const before = server.requests.length;
    const s = await runSync(db, make({ workflows: { [DB]: 'docs-writing' } }));
    // The page planted bad (created_time is no time) is listed and skipped: second of the second search page.
    expect(s.problems.map((p) => p.field)).toEqual(['results[1].created_time']);
    expect(await stored(db)).toEqual([
      {
        ref: N1,
        kind: 'doc_published',
        at: '2026-06-08 09:00:00+00',
        actor_hash: identityHash(ANA),
        repo: `notion.so/${DB}`,
        additions: 140,
        work_type: 'database-page:new',
        workflow: 'docs-writing',
      },
      {
        ref: N2,
        kind: 'doc_published',
        at: '2026-06-12 11:00:00+00',
        actor_hash: identityHash(BO),
        repo: `notion.so/${PARENT}`,
        additions: 130,
        work_type: 'page:new',
        workflow: null,
      },
      {
        ref: N7,
        kind: 'doc_published',
        at: '2026-06-20 16:00:00+00',
        actor_hash: identityHash(CY),
        repo: `notion.so/${DB}`,
        additions: 45,
        work_type: 'database-page:new',
        workflow: 'docs-writing',
      },
    ]);
    const sent = server.requests.slice(before);
    expect(sent.every((r) => r.headers['notion-version'] === NOTION_VERSION)).toBe(true);
    // Search stops at the first page last edited before the window: the May page's blocks are never read.
    expect(sent.some((r) => r.path.includes('0cccf1eb'))).toBe(false);
    const text = JSON.stringify(await db.query('SELECT * FROM outcomes'));
    for (const word of ['onboarding', 'checklist', 'not read by Mileage']) expect(text).not.toContain(word);
    await db.close();
  });

  it('configured databases are queried for pages created in the window, oldest first', async () => {
    const db = await memoryDb();
    const before = server.requests.length;
    await runSync(db, make({ databases: [DB.toUpperCase()] }));
    expect((await stored(db)).map((r) => r.ref)).toEqual([N1, N7]);
    const query = server.requests.slice(before).find((r) => r.path.endsWith('/query'))?.json;
    expect(query).toMatchObject({
      filter: { timestamp: 'created_time', created_time: { on_or_after: '2026-06-01T00:00:00.000Z' } },
      sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
    });
    await db.close();
  });
});
