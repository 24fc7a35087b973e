import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { identityHash, recordId } from '../../src/domain/ids.js';
import { usd } from '../../src/domain/money.js';
import type { OutcomeRecord } from '../../src/domain/outcome.js';
import type { UsageRecord } from '../../src/domain/usage.js';
import { parseOrgFile } from '../../src/org/index.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mileage-focus-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
function csv(rows: Record<string, string>[]): string {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    [names.join(','), ...rows.map((r) => names.map((n) => csvField(r[n] ?? '')).join(','))].join('\n') + '\n'
  );
}

/** FOCUS 1.2 rows in the documented shape (reference §11.2, the synthetic Bedrock row of §11.3). */
function focusRow(o: Partial<Record<string, string>>): Record<string, string> {
  return {
    BilledCost: '1.8420',
    EffectiveCost: '1.8420',
    ListCost: '2.0000',
    ContractedCost: '1.8420',
    BillingCurrency: 'USD',
    BillingAccountId: '123456789012',
    BillingAccountName: 'Acme',
    BillingPeriodStart: '2026-07-01T00:00:00Z',
    BillingPeriodEnd: '2026-08-01T00:00:00Z',
    ChargePeriodStart: '2026-07-02T00:00:00Z',
    ChargePeriodEnd: '2026-07-02T01:00:00Z',
    ChargeCategory: 'Usage',
    ChargeClass: '',
    ChargeDescription: 'Claude Sonnet 4.6 input tokens (us-east-1)',
    ChargeFrequency: 'Usage-Based',
    ConsumedQuantity: '0.614',
    ConsumedUnit: '1M Tokens',
    PricingQuantity: '0.614',
    PricingUnit: '1M Tokens',
    InvoiceIssuerName: 'Amazon Web Services, Inc.',
    ProviderName: 'AWS',
    PublisherName: 'Anthropic',
    RegionId: 'us-east-1',
    ResourceId: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-6',
    ResourceName: '',
    ServiceCategory: 'AI and Machine Learning',
    ServiceSubcategory: 'Generative AI',
    ServiceName: 'Amazon Bedrock',
    SkuId: 'SKU123',
    SkuMeter: 'Input Tokens',
    SubAccountId: '210987654321',
    Tags: '{"team":"billing","app":"invoice-bot"}',
    ...o,
  };
}

const ROWS = [
  focusRow({}),
  focusRow({
    BilledCost: '3.1500000001',
    SkuMeter: 'Output Tokens',
    ConsumedQuantity: '0.21',
    ChargeDescription: 'Claude Sonnet 4.6 output tokens',
  }),
  focusRow({
    BilledCost: '0.0275',
    ProviderName: 'Microsoft',
    PublisherName: 'OpenAI',
    InvoiceIssuerName: 'Microsoft',
    BillingAccountId: 'ea-777',
    ServiceName: 'Azure OpenAI Service',
    ResourceId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/acme-aoai',
    ResourceName: 'gpt-4.1',
    SkuMeter: 'gpt-4.1 Inp glbl 1K Tokens',
    ConsumedQuantity: '13.75',
    ConsumedUnit: '1K Tokens',
    Tags: '{"team":"support","workflow":"triage","key":"azkey-0123456789"}',
  }),
  focusRow({
    BilledCost: '0.50',
    ProviderName: 'Google Cloud',
    PublisherName: 'Google',
    InvoiceIssuerName: 'Google',
    BillingAccountId: '01ABCD-2345EF',
    ServiceName: 'Vertex AI',
    ResourceId: '',
    SkuId: 'gemini-2.5-pro',
    SkuMeter: 'Gemini 2.5 Pro Text Output',
    ConsumedQuantity: '50000',
    ConsumedUnit: 'Tokens',
    Tags: '',
  }),
  focusRow({ ServiceCategory: 'Compute', ServiceName: 'Amazon EC2', BilledCost: '99.99' }),
  focusRow({ ChargePeriodStart: 'yesterday' }),
  focusRow({ BillingCurrency: 'EUR' }),
  focusRow({ BilledCost: 'twelve' }),
];

describe('FOCUS import', () => {
  it('keeps the AI rows of Bedrock, Azure OpenAI and Vertex with cost, period, tokens and tags; rejects bad rows with line and column', async () => {
    const dir = await tempDir();
    const path = join(dir, 'focus.csv');
    await writeFile(path, csv(ROWS));
    const db = await openStore(':memory:');
    const r = await db.loadFocusFile({ path, format: 'csv', cost: 'billed' });
    expect(r.rejected).toEqual([
      { line: 7, field: 'ChargePeriodStart', message: 'not an ISO-8601 time: yesterday' },
      { line: 8, field: 'BillingCurrency', message: 'only USD is summed with dollars, got EUR' },
      { line: 9, field: 'BilledCost', message: 'not a decimal amount: twelve' },
    ]);
    expect(r.skipped).toBe(1);
    const good = ROWS.slice(0, 4);
    expect(r.written).toBe(good.length);
    const [sum] = await db.query(
      `SELECT CAST(sum(cost) AS VARCHAR) AS total FROM usage WHERE cost_basis = 'billed'`,
    );
    const expected = good.reduce((a, row) => a.plus(row.BilledCost ?? '0'), new Decimal(0));
    expect(new Decimal(String(sum?.total)).equals(expected)).toBe(true);
    const rows = await db.query(`SELECT stream, provider, model, granularity, input_tokens, output_tokens,
      workflow, team_tag, key_hash, strftime(start_at, '%Y-%m-%dT%H:%M:%SZ') AS start_at FROM usage ORDER BY cost`);
    expect(rows).toEqual([
      {
        stream: 'microsoft:ea-777',
        provider: 'azure',
        model: 'gpt-4.1',
        granularity: 'hour',
        input_tokens: 13_750,
        output_tokens: 0,
        workflow: 'triage',
        team_tag: 'support',
        key_hash: identityHash('azkey-0123456789'),
        start_at: '2026-07-02T00:00:00Z',
      },
      {
        stream: 'google-cloud:01ABCD-2345EF',
        provider: 'vertex',
        model: 'gemini-2.5-pro',
        granularity: 'hour',
        input_tokens: 0,
        output_tokens: 50_000,
        workflow: null,
        team_tag: null,
        key_hash: null,
        start_at: '2026-07-02T00:00:00Z',
      },
      {
        stream: 'aws:123456789012',
        provider: 'bedrock',
        model: 'anthropic.claude-sonnet-4-6',
        granularity: 'hour',
        input_tokens: 614_000,
        output_tokens: 0,
        workflow: null,
        team_tag: 'billing',
        key_hash: null,
        start_at: '2026-07-02T00:00:00Z',
      },
      {
        stream: 'aws:123456789012',
        provider: 'bedrock',
        model: 'anthropic.claude-sonnet-4-6',
        granularity: 'hour',
        input_tokens: 0,
        output_tokens: 210_000,
        workflow: null,
        team_tag: 'billing',
        key_hash: null,
        start_at: '2026-07-02T00:00:00Z',
      },
    ]);
    // Idempotent: the same file again stores nothing new.
    const again = await db.loadFocusFile({ path, format: 'csv', cost: 'billed' });
    expect(again.alreadyStored).toBe(good.length);
    // EffectiveCost on request: the row whose BilledCost was bad is good on this basis.
    const eff = await openStore(':memory:');
    await eff.loadFocusFile({ path, format: 'csv', cost: 'effective' });
    const [effSum] = await eff.query('SELECT CAST(sum(cost) AS VARCHAR) AS total FROM usage');
    expect(
      new Decimal(String(effSum?.total)).equals(
        [...good, ROWS[7]].reduce((a, row) => a.plus(row?.EffectiveCost ?? '0'), new Decimal(0)),
      ),
    ).toBe(true);
    await eff.close();
    await db.close();
  });

  it('names the file and the missing columns when it is not FOCUS', async () => {
    const dir = await tempDir();
    const path = join(dir, 'not-focus.csv');
    await writeFile(path, 'a,b\n1,2\n');
    const db = await openStore(':memory:');
    await expect(db.loadFocusFile({ path, format: 'csv', cost: 'billed' })).rejects.toThrow(
      /not-focus\.csv: not a FOCUS cost-and-usage file: missing columns BillingCurrency, ChargePeriodStart, ChargePeriodEnd, ServiceCategory, ProviderName, BilledCost/,
    );
    await db.close();
  });
});

const ORG = `
org: acme
time_zone: Europe/Berlin
teams: [{ id: billing, name: Billing }, { id: support, name: Support }]
people:
  - { id: ana, name: Ana, team: billing, emails: [ana@acme.com] }
  - { id: bo, name: Bo, team: support, emails: [bo@acme.com] }
keys:
  - { id: sk-triage-0001, name: triage bot, team: support, workflow: triage }
workflows: [{ id: triage, name: Triage }]
accounts: [{ tool: claude-code, stream: anthropic:acme }]
`;

/** A mixed ledger: billed days allocated to people, a keyed workflow, estimates, a PR branch. */
function spend(): { usage: UsageRecord[]; outcomes: OutcomeRecord[] } {
  const usage: UsageRecord[] = [];
  const mk = (
    i: number,
    day: string,
    o: Partial<Omit<UsageRecord, 'cost'>> & {
      cost: string;
      basis?: 'billed' | 'provider_reported' | 'list_estimate';
    },
  ): UsageRecord => ({
    id: recordId('rt', i),
    source: o.source ?? 'claude-code-otel',
    stream: o.stream ?? null,
    granularity: o.granularity ?? 'request',
    start: new Date(`${day}T10:${String(i % 60).padStart(2, '0')}:00Z`),
    end: new Date(`${day}T10:${String(i % 60).padStart(2, '0')}:00Z`),
    tool: o.tool === undefined ? 'claude-code' : o.tool,
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    tokens: { input: 100 + i, cacheRead: 1000 * i, cacheWrite: 10, output: 50 + i, reasoning: 0 },
    requests: 1,
    cost: { amount: usd(o.cost), basis: o.basis ?? 'provider_reported', priceRef: 'test' },
    hints: o.hints ?? {},
  });
  let i = 0;
  for (const day of ['2026-06-30', '2026-07-01', '2026-07-02', '2026-07-03']) {
    usage.push(
      mk(i++, day, {
        cost: '0.1234567891',
        // As a usage file names it: a bare owner/name, which keys as the GitHub PR's repository does.
        hints: { actor: 'ana@acme.com', repo: 'acme/billing', branch: 'feat/invoices' },
      }),
    );
    usage.push(mk(i++, day, { cost: '0.0500000003', hints: { actor: 'bo@acme.com' } }));
    usage.push(
      mk(i++, day, {
        cost: '0.3333333333',
        tool: null,
        stream: 'anthropic:acme',
        hints: { keyId: 'sk-triage-0001' },
      }),
    );
    // The day's bill for the stream: the records above are detail, this is the authority.
    usage.push(
      mk(i++, day, {
        source: 'anthropic-cost-report',
        stream: 'anthropic:acme',
        granularity: 'day',
        tool: null,
        cost: `0.5${i}17`,
        basis: 'billed',
      }),
    );
    usage.push(
      mk(i++, day, {
        source: 'litellm',
        stream: 'litellm:proxy:openai',
        tool: 'litellm',
        cost: '0.0100000001',
        hints: { workflow: 'triage' },
      }),
    );
  }
  const outcomes: OutcomeRecord[] = [
    {
      id: 'pr-1',
      source: 'github',
      kind: 'pr_merged',
      at: new Date('2026-07-03T16:00:00Z'),
      openedAt: new Date('2026-06-29T09:00:00Z'),
      actor: 'ana@acme.com',
      repo: 'acme/billing',
      ref: 'acme/billing#42',
      headBranch: 'feat/invoices',
      linkedTickets: [],
      size: null,
      points: 3,
      pointsBasis: 'estimate',
      aiAssisted: true,
      aiEvidence: null,
      rework: false,
      reworkReason: null,
      category: 'new_value',
      workType: null,
      workflow: null,
      count: 1,
      value: null,
    },
  ];
  return { usage, outcomes };
}

async function totals(db: Db) {
  return db.query(`SELECT stream, strftime(day, '%Y-%m') AS month, team_id, workflow_id, CAST(sum(cost) AS VARCHAR) AS cost
    FROM ledger GROUP BY ALL ORDER BY ALL`);
}

describe('FOCUS export', () => {
  for (const format of ['csv', 'parquet'] as const) {
    it(`exports the ledger as FOCUS ${format} whose import elsewhere gives the same totals to the cent`, async () => {
      const dir = await tempDir();
      const org = parseOrgFile(ORG, 'mileage.yaml');
      if (!org.ok) throw new Error(JSON.stringify(org.error));
      const db = await openStore(':memory:');
      await db.loadDirectory(org.value);
      const { usage, outcomes } = spend();
      await db.appendUsage(usage);
      await db.appendOutcomes(outcomes);
      await db.refreshLedger();
      const path = join(dir, `ledger.${format}`);
      const out = await db.exportFocus({
        path,
        format,
        since: null,
        until: null,
        namesPeople: true,
        minGroupSize: 1,
      });
      const original = await totals(db);
      const [ledgerTotal] = await db.query('SELECT CAST(sum(cost) AS VARCHAR) AS t FROM ledger');
      expect(new Decimal(out.total).equals(new Decimal(String(ledgerTotal?.t)))).toBe(true);

      // Tags carry team, workflow and the PR of the branch the spend was on.
      const tags = await db.query(
        `SELECT DISTINCT Tags FROM ${format === 'csv' ? 'read_csv' : 'read_parquet'}('${path}') ORDER BY 1`,
      );
      const parsed = tags.map((t) => JSON.parse(String(t.Tags)) as Record<string, string | null>);
      expect(parsed).toContainEqual({ team: 'billing', workflow: null, pr: 'acme/billing#42' });
      expect(parsed).toContainEqual({ team: 'support', workflow: 'triage', pr: null });

      // Imported into another store (no directory there), the totals by stream, month, team and workflow match.
      const elsewhere = await openStore(':memory:');
      const tz = parseOrgFile('org: other\ntime_zone: Europe/Berlin\n', 'mileage.yaml');
      if (!tz.ok) throw new Error('org');
      await elsewhere.loadDirectory(tz.value);
      const r = await elsewhere.loadFocusFile({ path, format, cost: 'billed' });
      expect(r.rejected).toEqual([]);
      expect(r.written).toBe(out.rows);
      await elsewhere.refreshLedger();
      expect(await totals(elsewhere)).toEqual(original);
      await elsewhere.close();

      // A window exports only its days.
      const july = await db.exportFocus({
        path: join(dir, `july.${format}`),
        format,
        since: '2026-07-01',
        until: '2026-08-01',
        namesPeople: true,
        minGroupSize: 1,
      });
      const [julyTotal] = await db.query(
        `SELECT CAST(sum(cost) AS VARCHAR) AS t FROM ledger WHERE day >= DATE '2026-07-01'`,
      );
      expect(new Decimal(july.total).equals(new Decimal(String(julyTotal?.t)))).toBe(true);
      await db.close();
    });
  }
});
