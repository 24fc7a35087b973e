import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryDb } from '../../test/support/apis.js';
import type { UsageRecord } from '../domain/usage.js';
import { ingestAgentLogs } from '../ingest/agent-logs/ingest.js';
import { copilotCliLogSource } from '../sources/spend/copilot-cli/index.js';
import { otlpApp } from './otlp.js';

/**
 * One Copilot CLI session reaching one store by two paths: its span through the OTLP receiver of
 * `mileage serve`, and its session-state file (the real one-request sample of test/fixtures/real) through
 * agent-log ingest. The span is the original, the shutdown total its replica: the session counts once,
 * whichever path came first.
 */
const SESSION = '00000000-0000-4000-8000-000000000001';
const root = mkdtempSync(join(tmpdir(), 'mileage-copilot-collapse-'));
const home = join(root, '.copilot');
cpSync(
  new URL(`../../test/fixtures/real/copilot-cli/session-state/${SESSION}`, import.meta.url),
  join(home, 'session-state', SESSION),
  { recursive: true },
);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The sample's one request as Copilot CLI's OTel exporter sends it (the shutdown event's own figures). */
const traces = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'github-copilot' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: 'b7ad6b7169203331',
              name: 'chat claude-sonnet-5',
              startTimeUnixNano: '1785353187000000000',
              endTimeUnixNano: '1785353188288000000',
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                { key: 'gen_ai.provider.name', value: { stringValue: 'github' } },
                { key: 'gen_ai.conversation.id', value: { stringValue: SESSION } },
                { key: 'gen_ai.response.model', value: { stringValue: 'claude-sonnet-5' } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '24210' } },
                { key: 'gen_ai.usage.cache_creation.input_tokens', value: { intValue: '24208' } },
                { key: 'gen_ai.usage.output_tokens', value: { intValue: '4' } },
                { key: 'github.copilot.nano_aiu', value: { intValue: '6056400000' } },
              ],
            },
          ],
        },
      ],
    },
  ],
};

async function received(): Promise<UsageRecord[]> {
  const kept: UsageRecord[] = [];
  const { app } = otlpApp({
    sink: {
      hasRoom: () => true,
      add: (records) => {
        kept.push(...records);
        return Promise.resolve();
      },
    },
  });
  const res = await app.request('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(traces),
  });
  expect(res.status).toBe(200);
  return kept;
}

type Db = Awaited<ReturnType<typeof memoryDb>>;

const counted = (db: Db) =>
  db.query<{ granularity: string; requests: number; output: number; cost: string }>(
    `SELECT granularity, sum(requests)::INTEGER AS requests, sum(output_tokens)::INTEGER AS output,
       CAST(sum(cost) AS VARCHAR) AS cost
     FROM usage WHERE counted GROUP BY granularity ORDER BY granularity`,
  );

describe('a Copilot CLI session through the receiver and through its session-state file counts once', () => {
  it('span first, then the session-state file: the shutdown total is a replica, not counted', async () => {
    const db = await memoryDb();
    await db.appendUsage(await received());
    const summary = await ingestAgentLogs(db, copilotCliLogSource, [home]);
    expect(summary.problems).toEqual([]);
    expect(await db.query('SELECT count(*)::INTEGER AS n FROM usage')).toEqual([{ n: 2 }]);
    expect(await counted(db)).toEqual([
      { granularity: 'request', requests: 1, output: 4, cost: '0.0605640000' },
    ]);
  });

  it('the session-state file first, then the span: the span takes over and the total stops counting', async () => {
    const db = await memoryDb();
    await ingestAgentLogs(db, copilotCliLogSource, [home]);
    expect((await counted(db)).map((r) => r.granularity)).toEqual(['session']);
    await db.appendUsage(await received());
    expect(await counted(db)).toEqual([
      { granularity: 'request', requests: 1, output: 4, cost: '0.0605640000' },
    ]);
  });
});
