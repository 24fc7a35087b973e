import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identityHash, redact } from '../domain/ids.js';
import { openStore } from './open.js';

const dirs: string[] = [];
async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-usage-file-'));
  dirs.push(dir);
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('generic usage files through DuckDB readers', () => {
  it('keeps good rows, rejects bad ones with line and column, and is idempotent', async () => {
    const path = await file(
      'usage.csv',
      [
        'timestamp,model,provider,input_tokens,output_tokens,cost_usd,user,key_id,workflow',
        '2026-07-01T10:00:00Z,claude-sonnet-4-6,anthropic,100,10,0.25,ana@acme.com,sk-ant-api03-abcdefghijkl,triage',
        'yesterday,claude-sonnet-4-6,anthropic,100,10,,,,',
        '2026-07-01T11:00:00Z,claude-sonnet-4-6,anthropic,-5,10,,,,',
        '2026-07-01T12:00:00Z,,anthropic,5,10,,,,',
        '2026-07-01T13:00:00Z,gpt-4.1-mini,openai,"1000",20,"0.10",bo@acme.com,,"support, tier 1"',
      ].join('\n') + '\n',
    );
    const db = await openStore(':memory:');
    const first = await db.loadUsageFile({ path, format: 'csv', source: 'gateway' });
    expect(first.written).toBe(2);
    expect(first.rejected).toEqual([
      { line: 3, field: 'timestamp', message: 'not an ISO-8601 time: yesterday' },
      { line: 4, field: 'input_tokens', message: 'not a whole number >= 0: -5' },
      { line: 5, field: 'model', message: 'missing' },
    ]);
    const again = await db.loadUsageFile({ path, format: 'csv', source: 'gateway' });
    expect(again.alreadyStored).toBe(2);
    const rows = await db.query(
      'SELECT CAST(sum(cost) AS VARCHAR) AS cost, count(*) AS n, min(actor_hash) AS h, min(actor_hint) AS hint, min(workflow) AS wf, max(key_hint) AS key FROM usage',
    );
    expect(rows[0]).toEqual({
      cost: '0.3500000000',
      n: 2,
      h: [identityHash('ana@acme.com'), identityHash('bo@acme.com')].sort()[0],
      hint: redact('ana@acme.com'),
      wf: 'support, tier 1',
      key: redact('sk-ant-api03-abcdefghijkl'),
    });
    await db.close();
  });

  it('names the file when it cannot be read at all', async () => {
    const path = await file('broken.parquet', 'not parquet');
    const db = await openStore(':memory:');
    await expect(db.loadUsageFile({ path, format: 'parquet', source: 'x' })).rejects.toThrow(
      /broken\.parquet: cannot read as parquet/,
    );
    await db.close();
  });
});
