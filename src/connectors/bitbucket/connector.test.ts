import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitbucketCloud, bitbucketServer } from '../../../test/support/bitbucket.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { fixture, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { identityHash } from '../../domain/ids.js';
import type { Db } from '../../store/db.js';
import { runSync } from '../sync/runner.js';
import { createBitbucketCloudConnector } from './cloud.js';
import { createBitbucketServerConnector } from './server.js';

const TOKEN = 'ATBBreplayBitbucketToken0123456789';
const NOW = Date.parse('2026-06-20T00:00:00Z');
let server: ReplayServer;
let noJira: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  bitbucketCloud(
    server,
    'acme/billing',
    fixture('bitbucket/cloud-pullrequests.json'),
    fixture('bitbucket/cloud-details.json'),
  );
  bitbucketServer(
    server,
    'BILL/billing',
    fixture('bitbucket/server-pull-requests.json'),
    fixture('bitbucket/server-details.json'),
  );
  noJira = await ReplayServer.start();
  bitbucketServer(
    noJira,
    'BILL/billing',
    fixture('bitbucket/server-pull-requests.json'),
    fixture('bitbucket/server-details.json'),
    false,
  );
});
afterAll(async () => {
  await server.close();
  await noJira.close();
});

const rows = (db: Db) =>
  db.query(`SELECT ref, actor_hash AS actor, head_branch, strftime(occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS merged,
      strftime(opened_at, '%Y-%m-%dT%H:%M:%SZ') AS opened, additions, deletions, files, effective_lines, points,
      ai_evidence, rework_reason, linked_tickets, strftime(first_review_at, '%Y-%m-%dT%H:%M:%SZ') AS first_review,
      strftime(approved_at, '%Y-%m-%dT%H:%M:%SZ') AS approved, repo FROM outcomes ORDER BY ref`);

describe('Bitbucket Cloud connector', () => {
  it('merged PRs with commits, diffstat and activity: markers, effective lines, review times, merge time, keys', async () => {
    const r = createBitbucketCloudConnector(
      sourceConfig('bitbucket', {
        token_env: 'BB_TOKEN',
        username: 'ana@acme.com',
        repos: ['acme/billing'],
        base_url: server.url,
        page_size: 2,
        since: '2026-06-01',
      }),
      { env: { BB_TOKEN: TOKEN }, now: () => NOW, clock: fakeClock() },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const db = await memoryDb();
    const before = server.requests.length;
    const s = await runSync(db, r.value);
    const list = server.requests.slice(before).filter((q) => q.path.endsWith('/pullrequests'));
    expect(list[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`ana@acme.com:${TOKEN}`).toString('base64')}`,
    );
    expect(list[0]?.query.get('q')).toBe('updated_on >= 2026-06-01T00:00:00.000Z');
    expect(list.map((q) => q.query.get('page'))).toEqual(['1', '2', '3']);
    expect(s).toMatchObject({ pages: 3, records: 5 });
    expect(s.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'values[0].commits[1].date: Invalid ISO datetime',
      'values[0].created_on: Invalid input: expected string, received undefined',
    ]);
    const got = await rows(db);
    // Truth worked out by hand from the fixture (see test/fixtures/bitbucket/README.md).
    expect(
      got.map((x) => [
        x.ref,
        x.merged,
        x.opened,
        x.effective_lines,
        x.ai_evidence,
        x.first_review,
        x.approved,
      ]),
    ).toEqual([
      [
        '41',
        '2026-06-03T17:05:00Z',
        '2026-06-01T22:00:00Z',
        190,
        'commit markers: claude-code',
        '2026-06-02T16:30:00Z',
        '2026-06-03T09:15:00Z',
      ],
      [
        '42',
        '2026-06-04T14:59:00Z',
        '2026-06-04T09:00:00Z',
        2,
        null,
        '2026-06-04T14:00:00Z',
        '2026-06-04T14:00:00Z',
      ],
      ['43', '2026-06-06T11:29:00Z', '2026-06-05T07:00:00Z', 20, 'commit markers: cursor', null, null],
      ['44', '2026-06-07T09:00:00Z', '2026-06-07T07:50:00Z', 190, null, null, null],
      [
        '46',
        '2026-06-09T11:58:00Z',
        '2026-06-08T09:00:00Z',
        45,
        null,
        '2026-06-09T11:00:00Z',
        '2026-06-09T11:00:00Z',
      ],
    ]);
    expect(got[0]).toMatchObject({
      additions: 980,
      deletions: 210,
      files: 3,
      actor: identityHash('ana-silva'),
      head_branch: 'feature/BILL-231-pdf',
    });
    expect(got[0]?.linked_tickets).toEqual(['BILL-231', 'BILL-232']);
    expect(got[0]?.repo).toBe('127.0.0.1/acme/billing');
    expect(got[3]?.rework_reason).toBe('revert');
    expect(got[4]?.linked_tickets).toEqual(['OPS-77']);
    await db.close();
  });

  it('the default API host keys repositories on bitbucket.org', async () => {
    const { forgeRepositoryKey } = await import('../../domain/repository.js');
    expect(forgeRepositoryKey('https://api.bitbucket.org', 'Acme/Billing')).toBe(
      'bitbucket.org/acme/billing',
    );
  });
});

describe('Bitbucket Data Center connector', () => {
  function make(url: string) {
    const r = createBitbucketServerConnector(
      sourceConfig('bitbucket-dc', {
        type: 'bitbucket-server',
        token_env: 'BB_TOKEN',
        repos: ['BILL/billing'],
        base_url: url,
        page_size: 2,
        since: '2026-06-01',
      }),
      { env: { BB_TOKEN: TOKEN }, now: () => NOW, clock: fakeClock() },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  }

  it('newest first down to the window: diff line counts, activities, linked Jira issues', async () => {
    const db = await memoryDb();
    const before = server.requests.length;
    const s = await runSync(db, make(server.url));
    const list = server.requests.slice(before).filter((q) => q.path.endsWith('/pull-requests'));
    expect(list[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(list.map((q) => q.query.get('start'))).toEqual(['0', '2', '4']);
    expect(s).toMatchObject({ pages: 3, records: 3 });
    expect(s.problems.map((p) => p.field)).toEqual([
      'values[1].createdDate',
      'values[0].commits[1].authorTimestamp',
    ]);
    const got = await rows(db);
    expect(
      got.map((x) => [
        x.ref,
        x.merged,
        x.opened,
        x.additions,
        x.deletions,
        x.effective_lines,
        x.ai_evidence,
        x.first_review,
        x.approved,
      ]),
    ).toEqual([
      [
        '15',
        '2026-06-06T17:55:00Z',
        '2026-06-04T20:00:00Z',
        25,
        3,
        28,
        'commit markers: copilot',
        null,
        null,
      ],
      [
        '16',
        '2026-06-09T09:58:00Z',
        '2026-06-08T07:00:00Z',
        40,
        40,
        80,
        null,
        '2026-06-09T09:00:00Z',
        '2026-06-09T09:00:00Z',
      ],
      [
        '17',
        '2026-06-12T09:59:00Z',
        '2026-06-09T20:00:00Z',
        110,
        40,
        92,
        'commit markers: aider',
        '2026-06-10T15:00:00Z',
        '2026-06-11T16:00:00Z',
      ],
    ]);
    expect(got[2]).toMatchObject({
      actor: identityHash('bo'),
      head_branch: 'feature/PAY-9-retries',
      linked_tickets: ['PAY-9', 'PAY-10'],
    });
    expect(got[1]?.linked_tickets).toEqual(['BILL-300']);
    await db.close();
  });

  it('without the Jira integration (404), keys come from titles, branches and commits only', async () => {
    const db = await memoryDb();
    await runSync(db, make(noJira.url));
    const got = await rows(db);
    expect(got.find((x) => x.ref === '17')?.linked_tickets).toEqual(['PAY-9']);
    await db.close();
  });
});
