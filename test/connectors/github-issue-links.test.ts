import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubConnector } from '../../src/connectors/github/connector.js';
import { createGithubIssuesConnector } from '../../src/connectors/github-issues/connector.js';
import { runSync } from '../../src/connectors/sync/runner.js';
import type { Db } from '../../src/store/db.js';
import { fixture, githubSearch, memoryDb, sourceConfig } from '../support/apis.js';
import { fakeClock } from '../support/fake-clock.js';
import { ReplayServer } from '../support/replay-server.js';

/**
 * GitHub PRs and GitHub Issues tickets meet as PRs and Jira tickets do: a PR's closing references
 * (`closingIssuesReferences`, in the fixture for 418 → #101, 421 → #101 and #107, 423 → #107) are ticket links
 * `owner/repo#number`, the refs GitHub Issues gives its tickets; a ticket lists the PRs that closed it. So the
 * joins over ticket links (the repeated bug fix, rework rule 6) work for teams on GitHub Issues.
 */
const TOKEN = 'ghp_issueLinksToken000111222333';
let prs: ReplayServer;
let issues: ReplayServer;
let db: Db;
beforeAll(async () => {
  prs = await ReplayServer.start();
  prs.route('POST', '/graphql', githubSearch(fixture('github/search-nodes.json')));
  issues = await ReplayServer.start();
  issues.route('POST', '/graphql', githubSearch(fixture('github-issues/issue-nodes.json')));
  db = await memoryDb();
  const deps = {
    env: { GH_TOKEN: TOKEN },
    now: () => Date.parse('2026-07-10T00:00:00Z'),
    clock: fakeClock(),
  };
  const settings = (url: string) => ({
    token_env: 'GH_TOKEN',
    repos: ['acme/billing'],
    base_url: url,
    since: '2026-06-01',
  });
  for (const c of [
    createGithubConnector(sourceConfig('github', settings(prs.url)), deps),
    createGithubIssuesConnector(sourceConfig('issues', settings(issues.url)), deps),
  ]) {
    if (!c.ok) throw new Error(JSON.stringify(c.error));
    await runSync(db, c.value);
  }
  await db.refreshLedger();
});
afterAll(async () => {
  await db.close();
  await Promise.all([prs.close(), issues.close()]);
});

describe('GitHub PRs ↔ GitHub Issues', () => {
  it('a PR links the issues it closes by the ref the tickets have, and each ticket the PRs that closed it', async () => {
    const links = await db.query(
      `SELECT kind, ref, linked_tickets FROM outcomes WHERE ref IN ('418', '421', '423', 'acme/billing#101', 'acme/billing#107')
       ORDER BY kind, ref`,
    );
    expect(links).toEqual([
      { kind: 'pr_merged', ref: '418', linked_tickets: ['BILL-231', 'acme/billing#101'] },
      { kind: 'pr_merged', ref: '421', linked_tickets: ['acme/billing#101', 'acme/billing#107'] },
      { kind: 'pr_merged', ref: '423', linked_tickets: ['OPS-77', 'acme/billing#107'] },
      { kind: 'ticket_closed', ref: 'acme/billing#101', linked_tickets: ['acme/billing#418'] },
      {
        kind: 'ticket_closed',
        ref: 'acme/billing#107',
        linked_tickets: ['acme/billing#421', 'acme/billing#423'],
      },
    ]);
  });

  it('a second PR closing the same bug issue within 30 days is rework, as with a Jira bug key', async () => {
    const [row] = await db.query(`SELECT rework, linked_rework_reason FROM outcomes WHERE ref = '421'`);
    // 418 merged 2026-07-02 15:40, 421 on 2026-07-03 16:00: one day; #101 carries the `bug` label.
    expect(row).toEqual({
      rework: true,
      linked_rework_reason: 'bug fix: acme/billing#101 was also fixed by #418 merged 1 day earlier',
    });
    // #107 is an enhancement, not a bug: 423 closing it after 421 is no repeated fix.
    const [later] = await db.query(`SELECT linked_rework_reason FROM outcomes WHERE ref = '423'`);
    expect(later?.linked_rework_reason).toBeNull();
  });
});
