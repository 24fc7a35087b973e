import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceBookFor } from '../../src/cli/pricing.js';
import { createBitbucketCloudConnector } from '../../src/connectors/bitbucket/cloud.js';
import { createGithubIssuesConnector } from '../../src/connectors/github-issues/connector.js';
import { runSync } from '../../src/connectors/sync/runner.js';
import { DEMO_END, PLANTED, generateDemo, type DemoManifest } from '../../src/demo/index.js';
import type { OrgDirectory } from '../../src/domain/directory.js';
import { loadDemo } from '../../src/demo/load.js';
import { costPerClosedTicket, costPerMergedPr } from '../../src/metrics/effectiveness.js';
import { context } from '../../src/metrics/testing/fixture.js';
import { loadOrgFile } from '../../src/org/load.js';
import type { Db } from '../../src/store/db.js';
import { githubSearch, memoryDb, sourceConfig } from '../support/apis.js';
import { bitbucketCloud } from '../support/bitbucket.js';
import { toBitbucketCloud, toGithubIssues } from '../support/demo-forges.js';
import { fakeClock } from '../support/fake-clock.js';
import { ReplayServer } from '../support/replay-server.js';

/**
 * The demo organisation's delivery read two ways: from its GitHub PR and Jira files (the demo as it loads),
 * and rendered into Bitbucket Cloud and GitHub Issues shapes served by a local server and read by those
 * connectors. The same work must give the same cost per merged PR and per closed ticket.
 */
let dir: string;
let manifest: DemoManifest;
let directory: OrgDirectory;
let server: ReplayServer;
let viaGithubJira: Db;
let viaBitbucketIssues: Db;
const TOKEN = 'bb-and-gh-demo-token-000111222';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mileage-demo-forges-'));
  manifest = await generateDemo({ seed: 11, engineers: 6, months: 2, end: DEMO_END, effects: PLANTED }, dir);
  const org = await loadOrgFile(manifest.orgFile);
  if (!org.ok) throw new Error('demo org file invalid');
  directory = org.value;
  const book = priceBookFor(directory);

  viaGithubJira = await memoryDb();
  await loadDemo(viaGithubJira, manifest, directory, book);

  // The same demo without its GitHub and Jira files; their content served as Bitbucket and GitHub Issues.
  viaBitbucketIssues = await memoryDb();
  const rest = manifest.files.filter((f) => f.kind !== 'github-pulls' && f.kind !== 'jira-search');
  await loadDemo(viaBitbucketIssues, { ...manifest, files: rest }, directory, book);
  server = await ReplayServer.start();
  const repos: string[] = [];
  for (const f of manifest.files.filter((x) => x.kind === 'github-pulls')) {
    const repo = (f.path.split('/').at(-1) ?? '').replace('.json', '').replace('__', '/');
    repos.push(repo);
    const nodes = JSON.parse(await readFile(f.path, 'utf8')) as Parameters<typeof toBitbucketCloud>[0];
    const { prs, details } = toBitbucketCloud(nodes);
    bitbucketCloud(server, repo, prs, details);
  }
  const issues: never[] = [];
  for (const f of manifest.files.filter((x) => x.kind === 'jira-search'))
    issues.push(...(JSON.parse(await readFile(f.path, 'utf8')) as { issues: never[] }).issues);
  server.route('POST', '/graphql', githubSearch(toGithubIssues(issues, directory)));
  const deps = { env: { TOKEN }, now: () => Date.parse(`${DEMO_END}T00:00:00Z`), clock: fakeClock() };
  const bb = createBitbucketCloudConnector(
    sourceConfig('bitbucket', {
      token_env: 'TOKEN',
      repos,
      base_url: server.url,
      since: '2020-01-01',
      page_size: 50,
    }),
    deps,
  );
  const gi = createGithubIssuesConnector(
    sourceConfig('issues', {
      token_env: 'TOKEN',
      repos: ['acme/tracker'],
      base_url: server.url,
      since: '2020-01-01',
    }),
    deps,
  );
  if (!bb.ok || !gi.ok) throw new Error('connector settings');
  const a = await runSync(viaBitbucketIssues, bb.value);
  const b = await runSync(viaBitbucketIssues, gi.value);
  if (a.problems.length + b.problems.length > 0)
    throw new Error(JSON.stringify([...a.problems, ...b.problems]));
  await viaBitbucketIssues.refreshLedger();
}, 240_000);

afterAll(async () => {
  await viaGithubJira?.close();
  await viaBitbucketIssues?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function window(db: Db) {
  const [r] = await db.query(
    `SELECT CAST(min(day) AS VARCHAR) AS since, CAST(max(day) AS VARCHAR) AS until FROM outcomes`,
  );
  return { since: String(r?.since), until: String(r?.until) };
}

const figures = (t: Awaited<ReturnType<typeof costPerMergedPr>>) =>
  t.rows.map((r) => ({
    key: r.key,
    per: r.values.cost_per_unit,
    spend: r.values.spend,
    count: r.values.count,
  }));

describe('Bitbucket and GitHub Issues on the demo organisation', () => {
  it('hold the same merged PRs and closed tickets as its GitHub and Jira data', async () => {
    const count = (db: Db) =>
      db.query(`SELECT kind, count(*) AS n, CAST(sum(CAST(points AS DECIMAL(18, 6))) AS VARCHAR) AS points, sum(effective_lines) AS lines,
        count(*) FILTER (WHERE ai_evidence IS NOT NULL) AS ai FROM outcomes WHERE kind IN ('pr_merged', 'ticket_closed')
        GROUP BY kind ORDER BY kind`);
    const a = await count(viaGithubJira);
    expect(a.every((r) => Number(r.n) > 20)).toBe(true);
    expect(await count(viaBitbucketIssues)).toEqual(a);
    // Read by the other connectors, not left over from the demo's files.
    const sources = (db: Db) =>
      db.query(
        `SELECT DISTINCT source FROM outcomes WHERE kind IN ('pr_merged', 'ticket_closed') ORDER BY 1`,
      );
    expect(await sources(viaGithubJira)).toEqual([{ source: 'github' }, { source: 'jira' }]);
    expect(await sources(viaBitbucketIssues)).toEqual([{ source: 'bitbucket' }, { source: 'github-issues' }]);
  });

  it('give the same cost per merged PR and per closed ticket, overall and per team', async () => {
    const w = await window(viaGithubJira);
    expect(await window(viaBitbucketIssues)).toEqual(w);
    for (const by of [null, 'team'] as const) {
      const prA = figures(await costPerMergedPr(context(viaGithubJira, w.since, w.until), by));
      const prB = figures(await costPerMergedPr(context(viaBitbucketIssues, w.since, w.until), by));
      expect(prA.length).toBeGreaterThan(0);
      expect(prB).toEqual(prA);
      const tA = figures(await costPerClosedTicket(context(viaGithubJira, w.since, w.until), by));
      const tB = figures(await costPerClosedTicket(context(viaBitbucketIssues, w.since, w.until), by));
      expect(tA.some((r) => r.per !== null)).toBe(true);
      expect(tB).toEqual(tA);
    }
  });
});
