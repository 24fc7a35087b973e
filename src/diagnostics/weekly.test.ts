import { describe, expect, it } from 'vitest';
import { emptyDirectory } from '../domain/directory.js';
import { recordId } from '../domain/ids.js';
import { usd } from '../domain/money.js';
import type { OutcomeRecord } from '../domain/outcome.js';
import { addDays } from '../domain/time.js';
import type { UsageRecord } from '../domain/usage.js';
import { openStore } from '../store/open.js';
import { weeklyReport } from './weekly.js';

function usage(
  day: string,
  key: string,
  cost: string,
  model = 'claude-sonnet-4-6',
  tokens = 1_000_000,
): UsageRecord {
  const at = new Date(`${day}T12:00:00Z`);
  return {
    id: recordId('test', day, key),
    source: 'test',
    stream: 'anthropic:acme',
    granularity: 'day',
    start: at,
    end: at,
    tool: 'api',
    provider: 'anthropic',
    model,
    tokens: { input: tokens, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
    requests: 1,
    cost: { amount: usd(cost), basis: 'provider_reported', priceRef: 'test' },
    hints: { keyId: key },
  };
}

function pr(day: string, n: number): OutcomeRecord {
  return {
    id: recordId('gh', day, n),
    source: 'github',
    kind: 'pr_merged',
    at: new Date(`${day}T15:00:00Z`),
    openedAt: null,
    actor: 'ana',
    repo: 'github.com/acme/api',
    ref: String(n),
    headBranch: null,
    linkedTickets: [],
    size: null,
    points: 2,
    pointsBasis: 'size_model',
    aiAssisted: false,
    aiEvidence: null,
    rework: false,
    reworkReason: null,
    category: 'unknown',
    workType: null,
    workflow: null,
    count: 1,
    value: null,
  };
}

describe('weekly report on a hand-made store', () => {
  it('ranks workloads by ledger spend, names keys from the directory and sums exactly', async () => {
    const db = await openStore(':memory:');
    const start = '2026-08-03'; // a Monday
    const records: UsageRecord[] = [];
    const prs: OutcomeRecord[] = [];
    for (let d = 0; d < 7 * 16; d++) {
      const day = addDays(start, d);
      records.push(usage(day, 'k-big', '10.10'), usage(day, 'k-small', '0.20'), usage(day, 'k-mid', '1.05'));
      prs.push(pr(day, d));
    }
    await db.appendUsage(records);
    await db.appendOutcomes(prs);
    await db.loadDirectory({
      ...emptyDirectory(),
      keys: [
        { id: 'k-big', name: 'big-bot', owner: null, team: null, workflow: null, workloadType: 'triage' },
        { id: 'k-mid', name: 'mid-bot', owner: null, team: null, workflow: null, workloadType: 'triage' },
      ],
    });
    await db.refreshLedger();
    const report = await weeklyReport({
      db,
      org: 'acme',
      privacy: { individuals: 'hidden', minGroupSize: 5 },
      viewer: { role: 'viewer' },
      reprice: () => null,
    });
    expect(report?.window).toEqual({ since: '2026-10-26', until: '2026-11-23' });
    expect(report?.headline.spend.toFixed(2)).toBe('317.80'); // 28 × 11.35, exactly
    expect(report?.topWorkloads.map((w) => w.label)).toEqual(['big-bot', 'mid-bot', 'key k-••']);
    expect(report?.topWorkloads[0]?.share).toBeCloseTo(10.1 / 11.35, 6);
    const trajectory = report?.findings.find((f) => f.id === 'trajectory.spend_vs_delivery');
    expect(trajectory?.flag).toBe(false);
    expect(report?.findings.filter((f) => f.flag)).toEqual([]);
    await db.close();
  });
});
