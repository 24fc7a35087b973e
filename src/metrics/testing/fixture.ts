import { emptyDirectory, type OrgDirectory, type Privacy } from '../../domain/directory.js';
import { recordId } from '../../domain/ids.js';
import { usd } from '../../domain/money.js';
import type { OutcomeRecord, WorkCategory } from '../../domain/outcome.js';
import { addDays } from '../../domain/time.js';
import type { TokenCounts, UsageRecord } from '../../domain/usage.js';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import type { MetricContext } from '../metric.js';

/** Small hand-made stores for metric tests: every figure the tests expect is worked out from these inputs. */
export interface UsageSpec {
  day: string;
  id: string;
  cost: string;
  actor?: string;
  key?: string;
  tool?: string;
  model?: string;
  stream?: string | null;
  session?: string;
  /** Hour of the day (UTC, default 12), repository and git branch: what joins a session to a PR. */
  hour?: number;
  repo?: string;
  branch?: string;
  basis?: 'provider_reported' | 'list_estimate' | 'billed';
  tokens: Partial<TokenCounts>;
}

export function usage(u: UsageSpec): UsageRecord {
  const at = new Date(`${u.day}T${String(u.hour ?? 12).padStart(2, '0')}:00:00Z`);
  return {
    id: recordId('test', u.day, u.id),
    source: 'test',
    stream: u.stream === undefined ? 'anthropic:acme' : u.stream,
    granularity: 'day',
    start: at,
    end: at,
    tool: u.tool ?? 'claude-code',
    provider: 'anthropic',
    model: u.model ?? 'claude-sonnet-4-6',
    tokens: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...u.tokens },
    requests: 1,
    cost: { amount: usd(u.cost), basis: u.basis ?? 'provider_reported', priceRef: 'test' },
    hints: {
      ...(u.actor ? { actor: u.actor } : {}),
      ...(u.key ? { keyId: u.key } : {}),
      ...(u.session ? { sessionId: u.session } : {}),
      ...(u.repo ? { repo: u.repo } : {}),
      ...(u.branch ? { branch: u.branch } : {}),
    },
  };
}

export interface PrSpec {
  day: string;
  id: string;
  actor: string | null;
  points: number;
  kind?: string;
  openedHoursBefore?: number;
  rework?: boolean;
  ai?: boolean;
  lines?: number;
  category?: WorkCategory;
  workflow?: string;
  count?: number;
  /** Hours before the merge of the first review and of the first approval. */
  reviewedHoursBefore?: number;
  approvedHoursBefore?: number;
  repo?: string;
  branch?: string;
  tickets?: string[];
}

export function outcome(p: PrSpec): OutcomeRecord {
  const at = new Date(`${p.day}T15:00:00Z`);
  return {
    id: recordId('test-out', p.day, p.id),
    source: 'test',
    kind: p.kind ?? 'pr_merged',
    at,
    openedAt:
      p.openedHoursBefore === undefined ? null : new Date(at.getTime() - p.openedHoursBefore * 3_600_000),
    actor: p.actor,
    repo: p.repo ?? 'github.com/acme/api',
    ref: p.id,
    headBranch: p.branch ?? null,
    linkedTickets: p.tickets ?? [],
    size:
      p.lines === undefined ? null : { additions: p.lines, deletions: 0, files: 1, effectiveLines: p.lines },
    points: p.points,
    pointsBasis: 'size_model',
    aiAssisted: p.ai ?? false,
    aiEvidence: p.ai ? 'trailer' : null,
    rework: p.rework ?? false,
    reworkReason: p.rework ? 'revert' : null,
    category: p.category ?? 'unknown',
    firstReviewAt:
      p.reviewedHoursBefore === undefined ? null : new Date(at.getTime() - p.reviewedHoursBefore * 3_600_000),
    approvedAt:
      p.approvedHoursBefore === undefined ? null : new Date(at.getTime() - p.approvedHoursBefore * 3_600_000),
    workType: null,
    workflow: p.workflow ?? null,
    count: p.count ?? 1,
    value: null,
  };
}

export const days = (since: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => addDays(since, i));

export async function buildStore(
  directory: Partial<OrgDirectory>,
  records: UsageRecord[],
  outcomes: OutcomeRecord[],
): Promise<Db> {
  const db = await openStore(':memory:');
  await db.appendUsage(records);
  await db.appendOutcomes(outcomes);
  await db.loadDirectory({ ...emptyDirectory(), ...directory });
  await db.refreshLedger();
  return db;
}

/** Teams Alpha (Ana, Bo; $156k loaded cost) and Beta (Cy alone); a triage bot key and a loose key. */
export const ORG: Partial<OrgDirectory> = {
  org: 'acme',
  teams: [
    { id: 'alpha', name: 'Alpha', loadedCostPerEngineer: usd(156000) },
    { id: 'beta', name: 'Beta', loadedCostPerEngineer: null },
  ],
  people: [
    { id: 'ana', name: 'Ana Quill', team: 'alpha', aliases: [{ kind: 'email', value: 'ana@acme.test' }] },
    { id: 'bo', name: 'Bo Vance', team: 'alpha', aliases: [{ kind: 'email', value: 'bo@acme.test' }] },
    { id: 'cy', name: 'Cy Wren', team: 'beta', aliases: [{ kind: 'email', value: 'cy@acme.test' }] },
  ],
  keys: [
    {
      id: 'k-bot',
      name: 'triage-bot',
      owner: null,
      team: 'alpha',
      workflow: 'wf-triage',
      workloadType: 'triage',
    },
    { id: 'k-small', name: 'misc-key', owner: null, team: null, workflow: null, workloadType: null },
  ],
  workflows: [
    { id: 'wf-triage', name: 'Triage', outcomeKind: 'alert_triaged', qualityBar: null, team: 'alpha' },
  ],
};

export const VISIBLE: Privacy = { individuals: 'visible', minGroupSize: 1 };
export const HIDDEN: Privacy = { individuals: 'hidden', minGroupSize: 2 };

export function context(db: Db, since: string, until: string, privacy: Privacy = VISIBLE): MetricContext {
  return { db, window: { since, until }, privacy, viewer: { role: 'owner' } };
}
