import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { finishIngest } from '../../src/ingest/finish.js';
import { ingestAnthropicCost, ingestAnthropicUsage, ingestClaudeCode } from '../../src/ingest/sources.js';
import { parseOrgFile } from '../../src/org/index.js';
import { decodeLogs } from '../../src/otlp/index.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { reconcile } from '../../src/reconcile/reconcile.js';
import { openStore } from '../../src/store/open.js';
import {
  BILLED_FACTOR,
  PEOPLE,
  SERVICE_KEY,
  costReport,
  generateMonth,
  listEstimate,
  otlpLogs,
  transcriptLine,
  usageReportPages,
  type TruthRequest,
} from './month-truth.js';

const STREAM = 'anthropic:acme:default';
const ORG_FILE = `
org: acme
privacy: { individuals: visible }
teams: [{ id: billing, name: Billing }]
people:
${PEOPLE.map((p) => `  - { id: ${p.id}, name: ${p.id}, team: billing, emails: [${p.email}], key_ids: [${p.key}] }`).join('\n')}
keys:
  - { id: ${SERVICE_KEY}, name: nightly summaries, team: billing, workflow: summaries }
workflows: [{ id: summaries, name: Nightly summaries }]
accounts:
  - { tool: claude-code, stream: ${STREAM} }
`;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The month through all four sources, ingested the way the CLI does, into a fresh store. */
async function ingestMonth(truth: TruthRequest[], book: PriceBook, skipBilledDays = new Set<string>()) {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-reconcile-'));
  dirs.push(dir);
  const directory = parseOrgFile(ORG_FILE, 'mileage.yaml');
  if (!directory.ok) throw new Error(JSON.stringify(directory.error));
  const db = await openStore(':memory:');
  await db.loadDirectory(directory.value);

  // 1. Claude Code transcripts, one folder per person who keeps logs.
  const owners = new Map<string, string>();
  for (const p of PEOPLE.filter((p) => p.logs)) {
    const folder = join(dir, 'logs', p.id, 'projects', 'billing');
    await mkdir(folder, { recursive: true });
    const file = join(folder, 'session.jsonl');
    const lines = truth.filter((q) => q.person === p.id && q.inLogs).map(transcriptLine);
    await writeFile(file, lines.join('\n') + '\n');
    owners.set(file, p.email);
  }
  const logs = await ingestClaudeCode(db, join(dir, 'logs'), (f) => owners.get(f));
  expect(logs.problems).toEqual([]);

  // 2. OTel events of the people who export telemetry, decoded as the OTLP receiver decodes them.
  const otel = decodeLogs(
    otlpLogs(
      truth.filter((q) => q.inOtel),
      book,
    ),
    'otlp',
  );
  expect(otel.problems).toEqual([]);
  await db.appendUsage(otel.records);

  // 3 and 4. The Admin API reports for the organisation.
  const files = async (name: string, pages: unknown[]) =>
    Promise.all(
      pages.map(async (page, i) => {
        const path = join(dir, `${name}-${i}.json`);
        await writeFile(path, JSON.stringify(page));
        return path;
      }),
    );
  const usage = await ingestAnthropicUsage(db, await files('usage', usageReportPages(truth)), 'acme');
  const cost = costReport(truth, book, skipBilledDays);
  const billed = await ingestAnthropicCost(db, await files('cost', cost.pages), 'acme');
  expect([...usage.problems, ...billed.problems]).toEqual([]);

  await finishIngest(db, book);
  return { db, cost };
}

const sum = (values: Iterable<Decimal>) => [...values].reduce((a, b) => a.plus(b), new Decimal(0));

describe('reconcile: one month through Claude Code logs, OTel, the usage report and the cost report', () => {
  const book = new PriceBook();
  const truth = generateMonth(20260701);

  it('counts exactly the billed amount, never the sum, and allocates all of it to people and keys', async () => {
    const { db, cost } = await ingestMonth(truth, book);
    // The four sources really overlap: each alone says a large part of the month.
    const [raw] = await db.query(
      `SELECT CAST(sum(coalesce(cost, est_cost)) AS VARCHAR) AS everything FROM usage_identity`,
    );
    expect(new Decimal(String(raw?.everything)).greaterThan(cost.billed.times(2))).toBe(true);

    const report = await reconcile(db, {
      since: null,
      until: null,
      privacy: { individuals: 'visible', minGroupSize: 1 },
      viewer: { role: 'owner' },
    });
    expect(report.map((r) => `${r.stream} ${r.month}`)).toEqual([`${STREAM} 2026-07`]);
    const [july] = report;
    if (!july) throw new Error('no month');
    // The bar: what Mileage counts is the bill, to the cent (and exactly).
    expect(new Decimal(july.counted).toFixed(2)).toBe(cost.billed.toFixed(2));
    expect(new Decimal(july.counted).equals(cost.billed)).toBe(true);
    expect(new Decimal(july.billed).equals(cost.billed)).toBe(true);
    const [ledger] = await db.query('SELECT CAST(sum(cost) AS VARCHAR) AS total FROM ledger');
    expect(new Decimal(String(ledger?.total)).equals(cost.billed)).toBe(true);

    // The per-person allocation sums to the bill, and each person gets the bill's share of their own work.
    expect(sum(july.people.map((p) => new Decimal(p.amount))).equals(cost.billed)).toBe(true);
    const share = (person: string | null) =>
      sum(truth.filter((q) => q.person === person).map((q) => listEstimate(book, q))).times(BILLED_FACTOR);
    for (const p of PEOPLE) {
      const got = new Decimal(july.people.find((a) => a.person === p.id)?.amount ?? '0');
      expect(got.minus(share(p.id)).abs().toNumber(), p.id).toBeLessThan(0.01);
    }
    const nobody = new Decimal(july.people.find((a) => a.person === null)?.amount ?? '0');
    expect(nobody.minus(share(null)).abs().toNumber()).toBeLessThan(0.01);
    // The service key's spend is attributed to its key and workflow, not to a person.
    expect(new Decimal(july.attributed.workflows).minus(share(null)).abs().toNumber()).toBeLessThan(0.01);
    expect(new Decimal(july.attributed.any).equals(cost.billed)).toBe(true);
    expect(july.unattributed).toBe('0');

    // Every source is listed with what it says alone; the usage report at list price is 1/0.9 of the bill.
    expect(july.sources.map((s) => `${s.source}:${s.basis}`).sort()).toEqual([
      'anthropic-cost-report:billed',
      'anthropic-usage-report:list_estimate',
      'claude-code-logs:list_estimate',
      'claude-code-otel:provider_reported',
    ]);
    const listTotal = sum(truth.map((q) => listEstimate(book, q)));
    expect(new Decimal(july.estimated).minus(listTotal).abs().toNumber()).toBeLessThan(0.01);
    const usageGap = july.gaps.disagreements.find((d) => d.source === 'anthropic-usage-report');
    expect(usageGap?.difference).toBeCloseTo(1 / 0.9 - 1, 4);
    expect(july.gaps.daysWithoutBilled).toEqual([]);
    await db.close();
  });

  it('reports the days without billed data, and counts the estimate there instead', async () => {
    const missing = new Set(['2026-07-30', '2026-07-31']);
    const { db, cost } = await ingestMonth(truth, book, missing);
    const [july] = await reconcile(db, {
      since: '2026-07-01',
      until: '2026-08-01',
      privacy: { individuals: 'hidden', minGroupSize: 5 },
      viewer: { role: 'owner' },
    });
    if (!july) throw new Error('no month');
    expect(july.gaps.daysWithoutBilled).toEqual([...missing]);
    expect(new Decimal(july.billed).equals(cost.billed)).toBe(true);
    // On the unbilled days the most complete estimate stands in: the usage report at list price.
    const unbilled = sum(
      truth.filter((q) => missing.has(q.at.toISOString().slice(0, 10))).map((q) => listEstimate(book, q)),
    );
    expect(new Decimal(july.counted).minus(cost.billed.plus(unbilled)).abs().toNumber()).toBeLessThan(0.01);
    // Individuals hidden: the allocation is shown per team, a team under the minimum group size (billing has
    // fewer than 5 people) folded into "other", and it still sums to the count.
    expect(july.people.map((p) => p.person)).toEqual(['team:other', null]);
    expect(sum(july.people.map((p) => new Decimal(p.amount))).equals(new Decimal(july.counted))).toBe(true);
    await db.close();
  });
});
