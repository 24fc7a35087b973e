/**
 * Envoy AI Gateway access logs ingested as `mileage ingest envoy-ai-gateway FILE` does, into a real DuckDB store:
 * the requests are priced from the list (gpt-4o-mini: $0.15 / $0.60 per million input / output tokens, OpenAI's
 * published price), and a gateway with no tool joins the provider's stream through `accounts:` by its source name.
 */
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { finishIngest } from '../src/ingest/finish.js';
import { ingestEnvoyAiGateway } from '../src/ingest/sources.js';
import { parseOrgFile } from '../src/org/index.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { memoryDb } from './support/apis.js';

const LOG = fileURLToPath(new URL('fixtures/envoy-ai-gateway/access.log', import.meta.url));

describe('Envoy AI Gateway access logs in the store', () => {
  it('stores each request once, priced, in the stream the org file names, attributed to its key', async () => {
    const db = await memoryDb();
    try {
      const org = parseOrgFile(
        `org: acme
privacy: { individuals: visible }
teams: [{ id: support, name: Support }]
keys:
  - { id: svc-triage-bot, name: triage bot, team: support }
accounts:
  - { tool: envoy-ai-gateway, stream: "envoy:acme" }
`,
        'mileage.yaml',
      );
      if (!org.ok) throw new Error(JSON.stringify(org.error));
      await db.loadDirectory(org.value);
      const options = { providers: { 'default/anthropic': 'anthropic', 'default/openai': 'openai' } };
      const first = await ingestEnvoyAiGateway(db, [LOG], options);
      expect([first.records, first.problems.length]).toEqual([3, 2]);
      // Read again (a log shipped twice, a rotated file re-read): each request is still stored once.
      await ingestEnvoyAiGateway(db, [LOG], options);
      expect(await db.query('SELECT count(*)::INTEGER AS n FROM usage')).toEqual([{ n: 3 }]);
      await finishIngest(db, new PriceBook([], []));
      const rows = await db.query<{
        model: string;
        cost: string | null;
        stream: string;
        team: string | null;
      }>(`SELECT model, CAST(cost AS VARCHAR) AS cost, stream, team_id AS team FROM ledger ORDER BY model`);
      expect(rows.map((r) => [r.model, r.stream, r.team])).toEqual([
        ['claude-sonnet-4-5-20250929', 'envoy:acme', 'support'],
        ['gpt-4o-mini', 'envoy:acme', null],
        ['o4-mini-2025-04-16', 'envoy:acme', null],
      ]);
      const mini = rows.find((r) => r.model === 'gpt-4o-mini');
      // 15 input tokens at $0.15/M and 7 output tokens at $0.60/M.
      expect(new Decimal(mini?.cost as string).eq('0.00000645')).toBe(true);
    } finally {
      await db.close();
    }
  });
});
