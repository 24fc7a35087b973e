/**
 * Issue 24's bars for Cline, Roo Code and Kilo Code, on the real task histories of test/fixtures/real/task-agents
 * (origin in ORIGIN.md), ingested as `mileage ingest cline|roo-code|kilo-code DIR` does, into a real DuckDB store:
 * 1. every request's tokens and cost equal truth.py's (tokens exactly; the extension's reported cost to the
 *    store's 10th decimal (the files hold binary floats such as 0.0019110400000000001); a cost the extension left at 0 priced from the vendor's published list, within 0.1%; a request that
 *    names no model and reports no cost unpriced, never $0);
 * 2. the same requests through Mileage's gateway count once: with the gateway and Cline mapped to the provider's
 *    stream (`accounts:`), the ledger's total is the requests' cost once, not twice.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { TokenCounts } from '../src/domain/usage.js';
import { servedRecord } from '../src/gateway/record.js';
import { ingestAgentLogs } from '../src/ingest/agent-logs/ingest.js';
import { finishIngest } from '../src/ingest/finish.js';
import { pricingPass } from '../src/ingest/pricing-pass.js';
import { parseOrgFile } from '../src/org/index.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { taskAgentLogSource, type TaskAgent } from '../src/sources/spend/task-agents/index.js';
import { memoryDb } from './support/apis.js';

const REAL = new URL('fixtures/real/task-agents/', import.meta.url);

interface TruthRequest {
  task: string;
  ts: number;
  model: string | null;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  cost: string | null;
  basis: 'provider_reported' | 'list_estimate' | 'unpriced';
}
const truth = JSON.parse(readFileSync(new URL('truth.json', REAL), 'utf8')) as Record<
  TaskAgent,
  TruthRequest[]
>;

describe('Cline, Roo Code and Kilo Code task histories in the store', () => {
  it.each(['cline', 'roo-code', 'kilo-code'] as const)(
    '%s: each request stored once, with the tokens and the cost truth.py computed',
    async (agent) => {
      const db = await memoryDb();
      try {
        const dir = fileURLToPath(new URL(`${agent}/`, REAL));
        const first = await ingestAgentLogs(db, taskAgentLogSource(agent), [dir]);
        expect(first.problems).toEqual([]);
        // A second run finds nothing new; nothing is stored twice.
        const again = await ingestAgentLogs(db, taskAgentLogSource(agent), [dir]);
        expect(again.unchanged).toBe(first.files);
        await pricingPass(db, new PriceBook([], []), true);
        const rows = await db.query<{
          ts: number;
          input: number;
          cr: number;
          cw: number;
          output: number;
          cost: string | null;
          basis: string;
          counted: boolean;
        }>(
          `SELECT epoch_ms(start_at) AS ts, input_tokens::INTEGER AS input, cache_read_tokens::INTEGER AS cr,
             cache_write_tokens::INTEGER AS cw, output_tokens::INTEGER AS output, CAST(cost AS VARCHAR) AS cost,
             cost_basis AS basis, counted
           FROM usage ORDER BY start_at`,
        );
        const want = [...truth[agent]].sort((a, b) => a.ts - b.ts);
        expect(rows.length).toBe(want.length);
        rows.forEach((r, i) => {
          const t = want[i] as TruthRequest;
          const at = `request ${t.task}/${t.ts}`;
          expect([Number(r.ts), r.input, r.cr, r.cw, r.output, r.counted], at).toEqual([
            t.ts,
            t.input,
            t.cacheRead,
            t.cacheWrite,
            t.output,
            true,
          ]);
          if (t.basis === 'unpriced') expect(r.cost, at).toBeNull();
          else if (t.basis === 'provider_reported') {
            expect(r.basis, at).toBe('provider_reported');
            expect(
              new Decimal(r.cost as string).eq(new Decimal(t.cost as string).toDecimalPlaces(10)),
              `${at}: ${r.cost} vs ${t.cost}`,
            ).toBe(true);
          } else {
            expect(r.basis, at).toBe('list_estimate');
            const diff = new Decimal(r.cost as string).minus(t.cost as string).abs();
            expect(
              diff.lte(new Decimal(t.cost as string).times('0.001')),
              `${at}: ${r.cost} vs ${t.cost}`,
            ).toBe(true);
          }
        });
      } finally {
        await db.close();
      }
    },
  );

  it('counts a task read from both its messages and taskHistory.json once; a task only in the history by its totals', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mileage-cline-'));
    const db = await memoryDb();
    try {
      const ext = join(root, 'saoudrizwan.claude-dev');
      cpSync(
        fileURLToPath(new URL('cline/saoudrizwan.claude-dev/tasks/1770577372307', REAL)),
        join(ext, 'tasks', '1770577372307'),
        {
          recursive: true,
        },
      );
      mkdirSync(join(ext, 'state'));
      // Cline's HistoryItem for that task (its totals as the task list shows them) and for a task whose
      // messages are gone.
      const task = truth.cline.filter((t) => t.task === '1770577372307');
      const sum = (k: 'input' | 'output' | 'cacheRead' | 'cacheWrite') => task.reduce((s, t) => s + t[k], 0);
      const totalCost = task.reduce((s, t) => s.plus(t.cost as string), new Decimal(0)).toNumber();
      writeFileSync(
        join(ext, 'state', 'taskHistory.json'),
        JSON.stringify([
          {
            id: '1770577372307',
            ts: 1770580000000,
            task: 'x',
            tokensIn: sum('input'),
            tokensOut: sum('output'),
            cacheWrites: sum('cacheWrite'),
            cacheReads: sum('cacheRead'),
            totalCost,
          },
          {
            id: '1770000000000',
            ts: 1770000500000,
            task: 'y',
            tokensIn: 12,
            tokensOut: 340,
            cacheWrites: 5000,
            cacheReads: 20000,
            totalCost: 0.0412,
          },
        ]),
      );
      const summary = await ingestAgentLogs(db, taskAgentLogSource('cline'), [ext]);
      expect(summary.problems).toEqual([]);
      const rows = await db.query<{ granularity: string; counted: boolean; n: number; cost: string }>(
        `SELECT granularity, counted, count(*)::INTEGER AS n, CAST(sum(cost) AS VARCHAR) AS cost
         FROM usage GROUP BY ALL ORDER BY granularity, counted`,
      );
      expect(rows.map((r) => [r.granularity, r.counted, r.n])).toEqual([
        ['request', true, 53],
        ['session', false, 1],
        ['session', true, 1],
      ]);
      expect(rows.find((r) => r.granularity === 'session' && r.counted)?.cost).toMatch(/^0\.0412/);

      // In the other order (the history read first, the messages in a later run), the same answer.
      const later = await memoryDb();
      try {
        await ingestAgentLogs(later, taskAgentLogSource('cline'), [join(ext, 'state')]);
        await ingestAgentLogs(later, taskAgentLogSource('cline'), [join(ext, 'tasks')]);
        const again = await later.query<{ granularity: string; counted: boolean; n: number }>(
          `SELECT granularity, counted, count(*)::INTEGER AS n FROM usage GROUP BY ALL ORDER BY granularity, counted`,
        );
        expect(again.map((r) => [r.granularity, r.counted, r.n])).toEqual(
          rows.map((r) => [r.granularity, r.counted, r.n]),
        );
      } finally {
        await later.close();
      }
    } finally {
      await db.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('counts a task once beside the same requests through the gateway', async () => {
    const db = await memoryDb();
    try {
      const org = parseOrgFile(
        `org: acme
accounts:
  - { tool: cline, stream: "anthropic:acme" }
  - { tool: gateway, stream: "anthropic:acme" }
`,
        'mileage.yaml',
      );
      if (!org.ok) throw new Error(JSON.stringify(org.error));
      await db.loadDirectory(org.value);
      const book = new PriceBook([], []);
      const dir = fileURLToPath(new URL('cline/saoudrizwan.claude-dev/tasks/1770577372307/', REAL));
      const logs = await ingestAgentLogs(db, taskAgentLogSource('cline'), [dir]);
      expect(logs.problems).toEqual([]);

      // The same 53 requests as the gateway meters them (Cline pointed at it with a virtual key).
      const requests = truth.cline.filter((t) => t.task === '1770577372307');
      expect(requests).toHaveLength(53);
      const key = {
        id: 'key_cline',
        hash: 'h',
        team: 'payments',
        person: null,
        workflow: null,
        workloadType: null,
        models: null,
        expiresAt: null,
        sandbox: false,
        budgetUsd: null,
        alertAt: null,
        capUsd: null,
      };
      const served = requests.map((t) => {
        const tokens: TokenCounts = {
          input: t.input,
          cacheRead: t.cacheRead,
          cacheWrite: t.cacheWrite,
          output: t.output,
          reasoning: 0,
        };
        return servedRecord({
          requestId: `gw_${t.ts}`,
          provider: 'anthropic',
          requestedModel: 'claude-opus-4-6',
          metered: { model: 'claude-opus-4-6', responseId: null, usage: { tokens } },
          key,
          tags: {},
          start: new Date(t.ts + 40),
          end: new Date(t.ts + 9000),
          status: 200,
          ttftMs: 900,
          clientAborted: false,
          upstreamRequestId: `req_${t.ts}`,
        });
      });
      await db.appendUsage(served);
      await finishIngest(db, book);

      // The requests' cost once, each at the store's 10 decimals.
      const once = requests.reduce(
        (s, t) => s.plus(new Decimal(t.cost as string).toDecimalPlaces(10)),
        new Decimal(0),
      );
      const [sources] = await db.query<{ cline: string; gateway: string }>(
        `SELECT CAST(sum(cost) FILTER (WHERE source = 'cline-logs') AS VARCHAR) AS cline,
           CAST(sum(cost) FILTER (WHERE source = 'gateway') AS VARCHAR) AS gateway FROM usage`,
      );
      // Both sources hold the whole spend: added up, it would be counted twice.
      expect(new Decimal(sources?.cline as string).eq(once)).toBe(true);
      expect(new Decimal(sources?.gateway as string).minus(once).abs().lte(once.times('0.001'))).toBe(true);

      const streams = await db.query<{ stream: string; total: string }>(
        `SELECT stream, CAST(sum(cost) AS VARCHAR) AS total FROM ledger GROUP BY stream ORDER BY stream`,
      );
      expect(streams.map((s) => s.stream)).toEqual(['anthropic:acme']);
      const total = new Decimal(streams[0]?.total as string);
      expect(
        total.minus(once).abs().lte(new Decimal('0.000001')),
        `${total.toString()} vs ${once.toString()}`,
      ).toBe(true);
    } finally {
      await db.close();
    }
  });
});
