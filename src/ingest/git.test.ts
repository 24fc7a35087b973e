import { afterEach, describe, expect, it } from 'vitest';
import { DAY, lines, ScriptedRepo, T0 } from '../../test/git-repo.js';
import { recordId } from '../domain/ids.js';
import { usd } from '../domain/money.js';
import type { OutcomeRecord } from '../domain/outcome.js';
import { openStore } from '../store/open.js';
import { cursorKey, ingestGit } from './git.js';

const repos: ScriptedRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/** A repository with `n` squash merges (#1…#n) on main, one a day. */
function repoWithMerges(n: number): ScriptedRepo {
  const r = new ScriptedRepo();
  repos.push(r);
  r.git(['remote', 'add', 'origin', 'git@github.com:Acme/Billing.git']);
  for (let i = 1; i <= n; i++) {
    r.write(`src/f${i}.ts`, lines(`f${i}`, i));
    r.commit(`feat: part ${i} (#${i})`, i);
  }
  return r;
}

async function outcomeCount(db: Awaited<ReturnType<typeof openStore>>): Promise<number> {
  const [row] = await db.query("SELECT count(*) AS n FROM outcomes WHERE source = 'git'");
  return Number(row?.n);
}

describe('ingestGit', () => {
  it('stores every merge once; a second run walks nothing; a new merge adds exactly one', async () => {
    const r = repoWithMerges(5);
    const db = await openStore(':memory:');
    const first = await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    expect(first.records).toBe(5);
    expect(first.repositories[0]).toMatchObject({ repo: 'github.com/acme/billing', walk: 'full', units: 5 });
    expect(await outcomeCount(db)).toBe(5);
    expect(JSON.parse((await db.getMeta(cursorKey('github.com/acme/billing'))) ?? '{}')).toEqual({
      sha: r.git(['rev-parse', 'HEAD']),
      branch: 'refs/heads/main',
    });

    const second = await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    expect(second.records).toBe(0);
    expect(second.repositories[0]?.walk).toBe('up-to-date');
    expect(await outcomeCount(db)).toBe(5);

    r.branch('feat/six');
    r.write('src/six.ts', lines('six', 6));
    r.commit('six', 9);
    r.checkout('main');
    r.merge('feat/six', 'Merge pull request #6 from acme/feat/six', 10);
    const third = await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    expect(third.records).toBe(1);
    expect(third.repositories[0]).toMatchObject({ walk: 'incremental', commitsWalked: 1 });
    expect(third.written).toBe(1);
    expect(third.alreadyStored).toBe(0);
    expect(await outcomeCount(db)).toBe(6);
    const [six] = await db.query("SELECT ref, head_branch, effective_lines FROM outcomes WHERE ref = '6'");
    expect(six).toEqual({ ref: '6', head_branch: 'feat/six', effective_lines: 6 });
    await db.close();
  });

  it('falls back to a full walk after a force push, storing nothing twice', async () => {
    const r = repoWithMerges(4);
    const db = await openStore(':memory:');
    await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    // Drop the last merge and push a different one in its place.
    r.git(['reset', '-q', '--hard', 'HEAD~1']);
    r.checkout('HEAD');
    r.write('src/other.ts', lines('other', 3));
    r.commit('feat: other (#9)', 6);
    const after = await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    expect(after.repositories[0]?.walk).toBe('full');
    expect(after.records).toBe(4);
    expect(after.alreadyStored).toBe(3);
    // The dropped merge stays stored (it did merge once); the new one is added.
    expect(await outcomeCount(db)).toBe(5);
    await db.close();
  });

  it('with --full re-reads everything and adds nothing', async () => {
    const r = repoWithMerges(3);
    const db = await openStore(':memory:');
    await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    const again = await ingestGit(db, [r.dir], { reworkWindowDays: 183, full: true });
    expect({ records: again.records, alreadyStored: again.alreadyStored }).toEqual({
      records: 3,
      alreadyStored: 3,
    });
    expect(await outcomeCount(db)).toBe(3);
    await db.close();
  });
});

describe('ingestGit joined with tickets and agent sessions', () => {
  it('flags a repeated fix of a bug ticket and marks a PR an agent session worked on as AI-assisted', async () => {
    const r = repoWithMerges(1);
    // #2 and #3 both close BILL-9, 10 days apart; #3 is a merge of feat/retry, where a session worked.
    r.write('src/retry.ts', lines('retry', 4));
    r.commit('fix: retry on timeout (#2)\n\nFixes BILL-9', 10);
    r.branch('feat/retry');
    r.replace('src/retry.ts', 1, 2, 'retry-v2');
    r.commit('fix: retry harder\n\nFixes BILL-9', 19);
    r.checkout('main');
    r.merge('feat/retry', 'Merge pull request #3 from acme/feat/retry\n\nRetry harder', 20);
    const db = await openStore(':memory:');
    await ingestGit(db, [r.dir], { reworkWindowDays: 0 });
    const bug: OutcomeRecord = {
      id: recordId('jira', 'BILL-9'),
      source: 'jira',
      kind: 'ticket_closed',
      at: new Date((T0 + 20 * DAY) * 1000),
      openedAt: null,
      actor: null,
      repo: null,
      ref: 'BILL-9',
      headBranch: null,
      linkedTickets: [],
      size: null,
      points: 3,
      pointsBasis: 'estimate',
      aiAssisted: false,
      aiEvidence: null,
      rework: false,
      reworkReason: null,
      category: 'ktlo',
      workType: 'Bug',
      workflow: null,
      count: 1,
      value: null,
    };
    await db.appendOutcomes([bug]);
    const at = new Date((T0 + 19.5 * DAY) * 1000);
    await db.appendUsage([
      {
        id: recordId('agent', 'r1'),
        source: 'claude-code-logs',
        stream: null,
        granularity: 'request',
        start: at,
        end: at,
        tool: 'claude-code',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        tokens: { input: 500, cacheRead: 0, cacheWrite: 0, output: 50, reasoning: 0 },
        requests: 1,
        cost: { amount: usd('0.02'), basis: 'provider_reported', priceRef: 'test' },
        // The agent-log reader lower-cases remotes; git keeps the remote's case.
        hints: { sessionId: 's1', repo: 'github.com/acme/billing', branch: 'feat/retry' },
      },
    ]);
    await db.refreshLedger();
    const rows = await db.query(
      "SELECT ref, linked_tickets, rework, linked_rework_reason, ai_assisted, session_evidence FROM outcomes WHERE source = 'git' AND ref IN ('2', '3') ORDER BY ref",
    );
    expect(rows).toEqual([
      {
        ref: '2',
        linked_tickets: ['BILL-9'],
        rework: false,
        linked_rework_reason: null,
        ai_assisted: false,
        session_evidence: null,
      },
      {
        ref: '3',
        linked_tickets: ['BILL-9'],
        rework: true,
        linked_rework_reason: 'bug fix: BILL-9 was also fixed by #2 merged 10 days earlier',
        ai_assisted: true,
        session_evidence: 'agent sessions on the branch: 1 (claude-code)',
      },
    ]);
    await db.close();
  });
});
