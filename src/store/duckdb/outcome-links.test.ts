import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../domain/ids.js';
import { usd } from '../../domain/money.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { Db } from '../db.js';
import { openStore } from '../open.js';

/** 2026-07-01 + day, at hour (UTC). */
const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 6, 1 + day, hour));

function pr(p: {
  key: string;
  repo: string;
  branch: string | null;
  opened: Date;
  merged: Date;
  tickets?: string[];
  source?: string;
  reworkReason?: string;
  ai?: string;
}): OutcomeRecord {
  return {
    id: recordId(p.source ?? 'test', p.key),
    source: p.source ?? 'test',
    kind: 'pr_merged',
    at: p.merged,
    openedAt: p.opened,
    actor: 'ana@acme.test',
    repo: p.repo,
    ref: p.key,
    headBranch: p.branch,
    linkedTickets: p.tickets ?? [],
    size: null,
    points: 2,
    pointsBasis: 'size_model',
    aiAssisted: p.ai !== undefined,
    aiEvidence: p.ai ?? null,
    rework: p.reworkReason !== undefined,
    reworkReason: p.reworkReason ?? null,
    category: 'unknown',
    workType: null,
    workflow: null,
    count: 1,
    value: null,
  };
}

function ticket(key: string, type: string, day: number): OutcomeRecord {
  return {
    ...pr({ key, repo: 'x', branch: null, opened: at(day - 1), merged: at(day) }),
    id: recordId('tracker', key),
    kind: 'ticket_closed',
    repo: null,
    workType: type,
  };
}

/** One agent request of a session: `tokens` 0 and no cost is a request with no recorded spend. */
function req(p: {
  key: string;
  session: string;
  repo: string;
  branch: string;
  at: Date;
  tokens?: number;
  tool?: string;
}): UsageRecord {
  return {
    id: recordId('agent', p.key),
    source: 'claude-code-logs',
    stream: null,
    granularity: 'request',
    start: p.at,
    end: p.at,
    tool: p.tool ?? 'claude-code',
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    tokens: { input: p.tokens ?? 1000, cacheRead: 0, cacheWrite: 0, output: 100, reasoning: 0 },
    requests: 1,
    cost: { amount: usd('0.01'), basis: 'provider_reported', priceRef: 'test' },
    hints: { sessionId: p.session, repo: p.repo, branch: p.branch, actor: 'ana@acme.test' },
  };
}

const REMOTE = 'github.com/acme/billing';

/**
 * PR 1 and PR 2 share the head branch feat/x (reused after PR 1 merged); PR 3 is read by the GitHub connector
 * (`acme/billing`), PR 4 by git with the remote's case (`github.com/Acme/Billing`). Each request says which PR
 * it belongs to, or null, and why.
 */
const PRS = [
  pr({ key: '1', repo: 'github.com/Acme/Billing', branch: 'feat/x', opened: at(1, 10), merged: at(2, 10) }),
  pr({ key: '2', repo: 'github.com/Acme/Billing', branch: 'feat/x', opened: at(10, 10), merged: at(11, 10) }),
  pr({
    key: '3',
    repo: 'acme/billing',
    source: 'github',
    branch: 'fix/y',
    opened: at(3, 8),
    merged: at(4, 8),
    ai: 'commit markers: cursor',
  }),
  pr({ key: '4', repo: 'github.com/Acme/Billing', branch: 'main', opened: at(5, 8), merged: at(5, 9) }),
];
const REQUESTS: { r: UsageRecord; pr: string | null }[] = [
  // s0 ran a day before PR 1's first commit (the agent wrote the code, the engineer committed later).
  { r: req({ key: 'j', session: 's0', repo: REMOTE, branch: 'feat/x', at: at(0, 9) }), pr: '1' },
  // s1 starts before PR 1's first commit and runs past its merge: the requests up to the merge are PR 1's;
  // the one after it is in the window of the next PR merged from feat/x (PR 2).
  { r: req({ key: 'a', session: 's1', repo: REMOTE, branch: 'feat/x', at: at(1, 9) }), pr: '1' },
  { r: req({ key: 'b', session: 's1', repo: REMOTE, branch: 'feat/x', at: at(1, 15) }), pr: '1' },
  { r: req({ key: 'c', session: 's1', repo: REMOTE, branch: 'feat/x', at: at(2, 11) }), pr: '2' },
  // s2 works on the reused branch while PR 2 is open.
  {
    r: req({ key: 'd', session: 's2', repo: REMOTE, branch: 'feat/x', at: at(10, 12), tool: 'codex' }),
    pr: '2',
  },
  // s5 is on feat/x after PR 1 merged, before PR 2 was opened: PR 2's window (bounded by PR 1's merge).
  { r: req({ key: 'e', session: 's5', repo: REMOTE, branch: 'feat/x', at: at(6) }), pr: '2' },
  // After the last PR merged from feat/x: no PR (yet).
  { r: req({ key: 'k', session: 's8', repo: REMOTE, branch: 'feat/x', at: at(12) }), pr: null },
  // s4: a connector's `owner/name` matches the remote's `host/owner/name`.
  { r: req({ key: 'f', session: 's4', repo: REMOTE, branch: 'fix/y', at: at(3, 9) }), pr: '3' },
  // On the default branch, in another repository, or with no spend: no PR.
  { r: req({ key: 'g', session: 's3', repo: REMOTE, branch: 'main', at: at(5, 8) }), pr: null },
  {
    r: req({ key: 'h', session: 's6', repo: 'github.com/other/repo', branch: 'feat/x', at: at(1, 12) }),
    pr: null,
  },
  {
    r: {
      ...req({ key: 'i', session: 's7', repo: REMOTE, branch: 'fix/y', at: at(3, 10), tokens: 0 }),
      tokens: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
      cost: { amount: usd(0), basis: 'provider_reported', priceRef: 'test' },
    },
    pr: null,
  },
];

/**
 * Bug tickets and the PRs that fix them: BUG-1 is fixed by PR 5, again by PR 6 15 days later (rework), and a
 * third time by PR 7 45 days after that (not rework: too late). STORY-2 is no bug. PR 6 is also read by git
 * one second before the forge says it merged: the same PR, not an earlier fix.
 */
const TICKETS = [ticket('BUG-1', 'Bug', 19), ticket('STORY-2', 'Story', 20)];
const FIXES = [
  pr({
    key: '5',
    repo: 'acme/billing',
    branch: 'fix/BUG-1',
    opened: at(19),
    merged: at(20),
    tickets: ['BUG-1'],
    source: 'github',
  }),
  pr({
    key: '6',
    repo: 'acme/billing',
    branch: 'fix/BUG-1-again',
    opened: at(34),
    merged: at(35),
    tickets: ['BUG-1'],
    source: 'github',
  }),
  pr({
    key: '6',
    repo: 'github.com/acme/billing',
    branch: 'fix/BUG-1-again',
    opened: at(34),
    merged: new Date(at(35).getTime() - 1000),
    tickets: ['BUG-1'],
    source: 'git',
  }),
  pr({
    key: '7',
    repo: 'acme/billing',
    branch: 'fix/BUG-1-third',
    opened: at(79),
    merged: at(80),
    tickets: ['BUG-1'],
    source: 'github',
    reworkReason: 'revert',
  }),
  pr({
    key: '8',
    repo: 'acme/billing',
    branch: 's2',
    opened: at(20),
    merged: at(21),
    tickets: ['STORY-2'],
    source: 'github',
  }),
  pr({
    key: '9',
    repo: 'acme/billing',
    branch: 's2b',
    opened: at(21),
    merged: at(22),
    tickets: ['STORY-2'],
    source: 'github',
  }),
];

let db: Db;
beforeAll(async () => {
  db = await openStore(':memory:');
  await db.appendOutcomes([...PRS, ...TICKETS, ...FIXES]);
  await db.appendUsage(REQUESTS.map((x) => x.r));
  await db.refreshLedger();
});
afterAll(() => db.close());

async function joined(): Promise<Map<string, string>> {
  const rows = await db.query('SELECT record_id, o.ref FROM pr_sessions JOIN outcomes o ON o.id = pr_id');
  return new Map(rows.map((r) => [String(r.record_id), String(r.ref)]));
}

describe('session → branch → PR', () => {
  it('joins each request with spend to the PR merged next from its branch, after the previous one', async () => {
    const expected = new Map(REQUESTS.filter((x) => x.pr !== null).map((x) => [x.r.id, x.pr as string]));
    expect(await joined()).toEqual(expected);
  });

  it('records the sessions as AI evidence and keeps commit-marker evidence', async () => {
    const rows = await db.query(
      "SELECT ref, ai_assisted, ai_evidence, session_evidence FROM outcomes WHERE ref IN ('1','2','3','4') ORDER BY ref",
    );
    expect(rows).toEqual([
      {
        ref: '1',
        ai_assisted: true,
        ai_evidence: null,
        session_evidence: 'agent sessions on the branch: 2 (claude-code)',
      },
      {
        ref: '2',
        ai_assisted: true,
        ai_evidence: null,
        session_evidence: 'agent sessions on the branch: 3 (claude-code, codex)',
      },
      {
        ref: '3',
        ai_assisted: true,
        ai_evidence: 'commit markers: cursor',
        session_evidence: 'agent sessions on the branch: 1 (claude-code)',
      },
      { ref: '4', ai_assisted: false, ai_evidence: null, session_evidence: null },
    ]);
  });
});

describe('rework rule 3: a repeated fix of a bug ticket', () => {
  async function verdicts() {
    return db.query(
      "SELECT source, ref, rework, rework_reason, linked_rework_reason FROM outcomes WHERE ref IN ('5','6','7','8','9') ORDER BY ref, source",
    );
  }
  const expected = [
    { source: 'github', ref: '5', rework: false, rework_reason: null, linked_rework_reason: null },
    {
      source: 'git',
      ref: '6',
      rework: true,
      rework_reason: null,
      linked_rework_reason: 'bug fix: BUG-1 was also fixed by #5 merged 15 days earlier',
    },
    {
      source: 'github',
      ref: '6',
      rework: true,
      rework_reason: null,
      linked_rework_reason: 'bug fix: BUG-1 was also fixed by #5 merged 15 days earlier',
    },
    { source: 'github', ref: '7', rework: true, rework_reason: 'revert', linked_rework_reason: null },
    { source: 'github', ref: '8', rework: false, rework_reason: null, linked_rework_reason: null },
    { source: 'github', ref: '9', rework: false, rework_reason: null, linked_rework_reason: null },
  ];

  it('flags the second fix within 30 days, with the reason; not the third, not stories', async () => {
    expect(await verdicts()).toEqual(expected);
  });

  it('survives a re-ingest of the PR (the next refresh derives it again) and repeated refreshes', async () => {
    await db.appendOutcomes(FIXES.filter((f) => f.ref === '6'));
    const [reset] = await db.query("SELECT bool_or(rework) AS any FROM outcomes WHERE ref = '6'");
    expect(reset?.any).toBe(false);
    await db.refreshLedger();
    await db.refreshLedger();
    expect(await verdicts()).toEqual(expected);
    expect((await joined()).size).toBe(REQUESTS.filter((x) => x.pr !== null).length);
  });

  it('drops the verdict when the ticket turns out not to be a bug', async () => {
    await db.appendOutcomes([{ ...ticket('BUG-1', 'Task', 19) }]);
    await db.refreshLedger();
    const rows = await db.query("SELECT bool_or(rework) AS any FROM outcomes WHERE ref = '6'");
    expect(rows[0]?.any).toBe(false);
    await db.appendOutcomes(TICKETS);
    await db.refreshLedger();
    expect(await verdicts()).toEqual(expected);
  });
});
