import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { notionApi, type NotionWorkspace } from '../../../test/support/docs-apis.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { identityHash } from '../../domain/ids.js';
import { runSync } from '../sync/runner.js';
import { dashedId as dashed } from '../../sources/delivery/notion/schema.js';
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

  it('configured databases are queried for pages edited in the window, oldest edit first', async () => {
    const db = await memoryDb();
    const before = server.requests.length;
    await runSync(db, make({ databases: [DB.toUpperCase()] }));
    expect((await stored(db)).map((r) => r.ref)).toEqual([N1, N7]);
    const query = server.requests.slice(before).find((r) => r.path.endsWith('/query'))?.json;
    expect(query).toMatchObject({
      filter: {
        timestamp: 'last_edited_time',
        last_edited_time: { on_or_after: '2026-06-01T00:00:00.000Z' },
      },
      sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }],
    });
    await db.close();
  });
});

type Block = Record<string, unknown> & { id: string; type: string; has_children?: boolean };
type Page = Record<string, unknown> & { id: string; last_edited_time: string };

/** Words of a page as a reader would count them: every block's plain text, nested blocks too, child pages not. */
function truthWords(w: NotionWorkspace, id: string): number {
  let n = 0;
  for (const b of (w.blocks[id] ?? []) as Block[]) {
    const body = b[b.type] as { rich_text?: { plain_text: string }[]; caption?: { plain_text: string }[] };
    for (const t of [...(body?.rich_text ?? []), ...(body?.caption ?? [])])
      n += t.plain_text.split(/\s+/).filter(Boolean).length;
    if (b.has_children && b.type !== 'child_page' && b.type !== 'child_database') n += truthWords(w, b.id);
  }
  return n;
}

describe('Notion: substantially updated pages, from the sizes remembered at each sync', () => {
  const N3 = '28f1469a-f048-4de3-ee1e-8faf62ec9eae';
  const N6 = '0cccf1eb-f9ec-e054-e152-c9b0f30fd360';
  const w = structuredClone(ws);
  let local: ReplayServer;
  beforeAll(async () => {
    local = await ReplayServer.start();
    notionApi(local, w);
  });
  afterAll(() => local.close());

  const page = (id: string) => w.pages.find((p) => p.id === id) as Page;
  /** An edit: words appended as one paragraph (or a block's text replaced by as many words), by someone, at a time. */
  function edit(ref: string, at: string, by: string, words: number, inPlace = false) {
    const id = dashed(ref);
    const text = Array.from({ length: words }, (_, i) => `w${i}`).join(' ');
    const blocks = w.blocks[id] as Block[];
    const paragraph = { rich_text: [{ type: 'text', text: { content: text }, plain_text: text }] };
    if (inPlace) {
      const first = blocks[0] as Block;
      first[first.type] = paragraph;
    } else
      blocks.push({ object: 'block', id: `${id}-${at}`, type: 'paragraph', has_children: false, paragraph });
    Object.assign(page(id), { last_edited_time: at, last_edited_by: { object: 'user', id: by } });
  }
  const connector = (now: string, pageSize = 2) => {
    const r = createNotionConnector(
      sourceConfig('notion', {
        token_env: 'NOTION_TOKEN',
        base_url: local.url,
        page_size: pageSize,
        since: '2026-06-01',
      }),
      { env: { NOTION_TOKEN: TOKEN }, now: () => Date.parse(now), clock: fakeClock() },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  };
  const sync = (db: Awaited<ReturnType<typeof memoryDb>>, now: string) => runSync(db, connector(now));
  const updates = (db: Awaited<ReturnType<typeof memoryDb>>) =>
    db.query(
      `SELECT ref, CAST(occurred_at AS VARCHAR) AS at, actor_hash, additions, deletions, work_type
       FROM outcomes WHERE work_type LIKE '%:update' ORDER BY occurred_at`,
    );

  it('an edit that moves a page by the substantial rule counts, by its last editor; small and net-zero edits do not', async () => {
    const db = await memoryDb();
    await sync(db, '2026-07-01T00:00:00Z');
    // The first sync sees 28f1469a's June edit but has no size from before it: no update, only its size kept.
    expect(await updates(db)).toEqual([]);
    const sizeOfN3 = truthWords(w, N3);

    edit(N3, '2026-07-05T10:00:00.000Z', ANA, 150); // +150 words: substantial
    edit(N1, '2026-07-06T10:00:00.000Z', BO, 5); // +5: under the floor
    const n2Words = truthWords(w, dashed(N2));
    edit(N2, '2026-07-07T10:00:00.000Z', CY, 1, true); // a one-word block rewritten to another word: net zero
    expect(truthWords(w, dashed(N2))).toBe(n2Words);
    edit(N6, '2026-07-08T10:00:00.000Z', BO, 200); // never measured before: sets its size only
    const s2 = await sync(db, '2026-07-10T00:00:00Z');
    // Only the page planted bad, on the search page where the window ends.
    expect(s2.problems.map((p) => p.field)).toEqual(['results[1].created_time']);
    expect(await updates(db)).toEqual([
      {
        ref: N3.replace(/-/g, ''),
        at: '2026-07-05 10:00:00+00',
        actor_hash: identityHash(ANA),
        additions: truthWords(w, N3) - sizeOfN3,
        deletions: 0,
        work_type: 'page:update',
      },
    ]);
    expect(truthWords(w, N3) - sizeOfN3).toBe(150);

    // The page first seen at the last sync is measured from then on: its next edit counts.
    const sizeOfN6 = truthWords(w, N6);
    edit(N6, '2026-07-12T10:00:00.000Z', CY, 120);
    await sync(db, '2026-07-14T00:00:00Z');
    const after = await updates(db);
    expect(after.map((u) => [u.ref, u.additions, u.actor_hash])).toEqual([
      [N3.replace(/-/g, ''), 150, identityHash(ANA)],
      [N6.replace(/-/g, ''), truthWords(w, N6) - sizeOfN6, identityHash(CY)],
    ]);
    // A re-sync of the same window finds the sizes it remembered: nothing new, nothing counted twice.
    await sync(db, '2026-07-14T00:00:00Z');
    expect((await updates(db)).length).toBe(2);
    // Sizes only: no text of any page in the store.
    const text = JSON.stringify(await db.query("SELECT * FROM meta WHERE key LIKE 'memo:%'"));
    expect(text).not.toContain('w1');
    expect(text).toContain(`memo:notion:${N3.replace(/-/g, '')}`);
    await db.close();
  });

  it('a sync killed between pages and resumed counts the same updates as an uninterrupted one', async () => {
    const [whole, killed] = [await memoryDb(), await memoryDb()];
    for (const db of [whole, killed]) await sync(db, '2026-07-14T00:00:00Z');
    edit(N7, '2026-07-20T10:00:00.000Z', ANA, 300);
    edit(N3, '2026-07-21T10:00:00.000Z', BO, 120);
    await runSync(whole, connector('2026-07-22T00:00:00Z', 1));
    const controller = new AbortController();
    await expect(
      runSync(killed, connector('2026-07-22T00:00:00Z', 1), {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.pages === 1) controller.abort(new Error('killed'));
        },
      }),
    ).rejects.toThrow('killed');
    expect((await updates(killed)).length).toBeLessThan((await updates(whole)).length);
    await runSync(killed, connector('2026-07-22T00:00:00Z', 1));
    const want = await updates(whole);
    expect(want.map((u) => u.at)).toEqual(['2026-07-20 10:00:00+00', '2026-07-21 10:00:00+00']);
    expect(await updates(killed)).toEqual(want);
    const memo = (db: typeof whole) => db.query("SELECT * FROM meta WHERE key LIKE 'memo:%' ORDER BY key");
    expect(await memo(killed)).toEqual(await memo(whole));
  });
});
