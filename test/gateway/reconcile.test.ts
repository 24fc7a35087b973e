import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceBookFor } from '../../src/cli/pricing.js';
import { DEFAULT_PRIVACY } from '../../src/domain/directory.js';
import { usd } from '../../src/domain/money.js';
import { createKey, liveKeys } from '../../src/gateway/keys.js';
import { runGateway, type RunningGateway } from '../../src/gateway/run-gateway.js';
import { finishIngest } from '../../src/ingest/finish.js';
import { reconcile, type StreamMonth } from '../../src/reconcile/reconcile.js';
import { renderReconcile } from '../../src/report/reconcile.js';
import { parseAnthropicCostReport } from '../../src/sources/spend/anthropic-admin/parse.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { startMockLlm, type MockLlm } from '../support/mock-llm.js';

/**
 * Issue 21: the gateway's records reconcile like any source. Its upstream credential belongs to a workspace
 * whose cost report Mileage also reads; with that workspace's stream configured, the ledger takes the bill as
 * the day's total and the gateway's records as its attribution (each workflow its share of the list
 * estimate), and `reconcile` lists the gateway beside the cost report.
 */
const STREAM = 'anthropic:acme:wrkspc_gw';
const SPEC = {
  person: null,
  workloadType: null,
  models: null,
  expiresAt: null,
  sandbox: false,
  budgetUsd: null,
  alertAt: null,
  capUsd: null,
};

let db: Db;
let mock: MockLlm;
let gw: RunningGateway;
let dir: string;
let months: StreamMonth[];

/** A day's cost report of the workspace, in the Admin API's shape (amounts in cents). */
function costReport(day: string, cents: string[]): unknown {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().replace('.000', '');
  return {
    data: [
      {
        starting_at: `${day}T00:00:00Z`,
        ending_at: next,
        results: cents.map((amount, i) => ({
          amount,
          currency: 'USD',
          workspace_id: 'wrkspc_gw',
          description: `Claude Sonnet 4.6 Usage - ${i === 0 ? 'Input Tokens' : 'Output Tokens'}`,
          cost_type: 'tokens',
          model: 'claude-sonnet-4-6',
          token_type: i === 0 ? 'uncached_input_tokens' : 'output_tokens',
          service_tier: 'standard',
          context_window: '0-200k',
          inference_geo: 'global',
        })),
      },
    ],
    has_more: false,
    next_page: null,
  };
}

beforeAll(async () => {
  db = await openStore(':memory:');
  const review = await createKey(db, { team: 'payments', workflow: 'pr-review', ...SPEC });
  const reindex = await createKey(db, { team: 'search', workflow: 'reindex', ...SPEC });
  mock = await startMockLlm();
  dir = await mkdtemp(join(tmpdir(), 'mileage-gw-rec-'));
  gw = await runGateway({
    host: '127.0.0.1',
    port: 0,
    spoolDir: join(dir, 'spool'),
    upstreams: {
      anthropic: { provider: 'anthropic', base: new URL(mock.url), credential: 'sk-ant-org', stream: STREAM },
      openai: { provider: 'openai', base: new URL(`${mock.url}/v1`), credential: 'sk-org' },
    },
    store: db,
    loadKeys: () => liveKeys(db),
    flushMs: 20,
    log: () => undefined,
  });
  const ask = (key: string) =>
    new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 }).messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
  for (let i = 0; i < 3; i++) await ask(review.key);
  for (let i = 0; i < 2; i++) await ask(reindex.key);
  await gw.flush();
  const day = new Date().toISOString().slice(0, 10);
  const bill = parseAnthropicCostReport(costReport(day, ['150', '25.5']), { file: 'cost.json', org: 'acme' });
  await db.appendUsage(bill.records);
  await finishIngest(db, priceBookFor(null));
  months = await reconcile(db, {
    since: null,
    until: null,
    privacy: DEFAULT_PRIVACY,
    viewer: { role: 'owner' },
  });
}, 60_000);

afterAll(async () => {
  await gw.stop();
  await mock.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the gateway's records in the provider's stream", () => {
  it('count the bill once, as the total, and attribute all of it to the workflows by their list estimate', async () => {
    const month = months.find((m) => m.stream === STREAM);
    expect(months.map((m) => m.stream)).toEqual([STREAM]);
    // 150 + 25.5 cents.
    expect(month?.counted).toBe('1.755');
    expect(month?.billed).toBe('1.755');
    expect(usd(month?.attributed.workflows ?? '0').toFixed(10)).toBe('1.7550000000');
    expect(usd(month?.unattributed ?? '1').isZero()).toBe(true);

    // Each workflow's share of the bill is its share of the gateway's list estimate, worked out here from
    // the stored records alone.
    const est = await db.query(
      `SELECT workflow, CAST(sum(est_cost) AS VARCHAR) AS est FROM usage WHERE source = 'gateway' GROUP BY 1`,
    );
    const total = est.reduce((a, r) => a.plus(String(r.est)), usd('0'));
    const ledger = await db.query(
      `SELECT workflow_id, CAST(sum(cost) AS VARCHAR) AS cost FROM ledger WHERE stream = $s GROUP BY 1`,
      { s: STREAM },
    );
    expect(ledger).toHaveLength(2);
    for (const r of est) {
      const expected = usd('1.755').times(String(r.est)).dividedBy(total);
      const got = usd(String(ledger.find((l) => l.workflow_id === r.workflow)?.cost));
      expect(got.minus(expected).abs().lessThan('1e-8')).toBe(true);
    }
    const sum = ledger.reduce((a, r) => a.plus(String(r.cost)), usd('0'));
    expect(sum.toFixed(10)).toBe('1.7550000000');
  });

  it('are listed by reconcile beside the cost report, with their own estimate', () => {
    const month = months.find((m) => m.stream === STREAM);
    const sources = Object.fromEntries((month?.sources ?? []).map((s) => [s.source, s]));
    expect(sources['anthropic-cost-report']).toMatchObject({ basis: 'billed', amount: '1.7550000000' });
    expect(sources.gateway).toMatchObject({ basis: 'list_estimate', records: 5 });
    const text = renderReconcile(months);
    expect(text).toContain('gateway (list_estimate)');
    expect(text).toContain('anthropic-cost-report (billed) $1.76');
  });
});
