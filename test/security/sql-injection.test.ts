import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';

/**
 * Issue 19 item 1: a file's column names (and JSON keys, and a column mapping) reach SQL text only through
 * sqlIdent. Each reader gets a header crafted to close the quotes and run `COPY … TO` a file: the file must
 * not appear, the name must stay one column, and the good rows must load.
 */
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mileage-sqli-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A column name that, pasted between double quotes into SQL, ends the statement and writes `target`. */
function hostileName(target: string): string {
  return `BilledCost" AS VARCHAR), '') AS content FROM raw_file; COPY (SELECT 42 AS pwned) TO '${target}'; CREATE OR REPLACE TEMP TABLE z AS SELECT coalesce(CAST("BilledCost`;
}
const csvField = (v: string) => (/[",\n']/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

const FOCUS_ROW: Record<string, string> = {
  BilledCost: '1.8420',
  BillingCurrency: 'USD',
  BillingAccountId: '123456789012',
  ChargePeriodStart: '2026-07-02T00:00:00Z',
  ChargePeriodEnd: '2026-07-02T01:00:00Z',
  ServiceCategory: 'AI and Machine Learning',
  ServiceName: 'Amazon Bedrock',
  ProviderName: 'AWS',
  PublisherName: 'Anthropic',
  ResourceId: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-6',
};

async function usageCount(db: Db): Promise<number> {
  const [row] = await db.query('SELECT count(*) AS n FROM usage');
  return Number(row?.n);
}

describe('a crafted column name never becomes SQL', () => {
  it('FOCUS CSV: the header that ran COPY … TO before issue 19 is one more column', async () => {
    const dir = await tempDir();
    const target = join(dir, 'pwned.csv');
    const names = [...Object.keys(FOCUS_ROW), hostileName(target)];
    const line = (cost: string) =>
      names.map((n) => csvField(n === 'BilledCost' ? cost : (FOCUS_ROW[n] ?? 'x'))).join(',');
    const path = join(dir, 'focus.csv');
    await writeFile(path, [names.map(csvField).join(','), line('1.8420'), line('2.5')].join('\n') + '\n');
    const db = await openStore(':memory:');
    try {
      const result = await db.loadFocusFile({ path, format: 'csv', cost: 'billed' });
      expect(existsSync(target)).toBe(false);
      expect(result.rejected).toEqual([]);
      expect(result.written).toBe(2);
      const [sum] = await db.query('SELECT CAST(sum(cost) AS VARCHAR) AS total FROM usage');
      expect(sum?.total).toBe('4.3420000000');
    } finally {
      await db.close();
    }
  });

  const usageNames = (target: string) => ['timestamp', 'model', 'input_tokens', hostileName(target)];
  const usageRows = [
    ['2026-07-02T10:00:00Z', 'claude-sonnet-4-6', '100', 'a'],
    ['2026-07-02T11:00:00Z', 'claude-sonnet-4-6', '200', 'b'],
  ];

  it('usage CSV: a crafted header is one more column', async () => {
    const dir = await tempDir();
    const target = join(dir, 'pwned.csv');
    const path = join(dir, 'usage.csv');
    const lines = [usageNames(target), ...usageRows].map((r) => r.map(csvField).join(','));
    await writeFile(path, lines.join('\n') + '\n');
    const db = await openStore(':memory:');
    try {
      const result = await db.loadUsageFile({ path, format: 'csv', source: 'csv' });
      expect(existsSync(target)).toBe(false);
      expect(result.written).toBe(2);
      expect(await usageCount(db)).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('usage JSONL: a crafted key is one more column', async () => {
    const dir = await tempDir();
    const target = join(dir, 'pwned.csv');
    const path = join(dir, 'usage.jsonl');
    const names = usageNames(target);
    const lines = usageRows.map((r) => JSON.stringify(Object.fromEntries(names.map((n, i) => [n, r[i]]))));
    await writeFile(path, lines.join('\n') + '\n');
    const db = await openStore(':memory:');
    try {
      const result = await db.loadUsageFile({ path, format: 'jsonl', source: 'jsonl' });
      expect(existsSync(target)).toBe(false);
      expect(result.written).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('usage CSV with a mapping: a crafted mapped name and source name are read as names and text', async () => {
    const dir = await tempDir();
    const target = join(dir, 'pwned.csv');
    const hostile = hostileName(target);
    const path = join(dir, 'mapped.csv');
    const header = ['timestamp', 'model', hostile].map(csvField).join(',');
    await writeFile(path, `${header}\n2026-07-02T10:00:00Z,claude-sonnet-4-6,300\n`);
    const db = await openStore(':memory:');
    try {
      const source = `csv'); COPY (SELECT 1) TO '${target}'; --`;
      const result = await db.loadUsageFile({
        path,
        format: 'csv',
        source,
        columns: { input_tokens: hostile },
      });
      expect(existsSync(target)).toBe(false);
      expect(result.written).toBe(1);
      const [row] = await db.query('SELECT source, input_tokens FROM usage');
      expect(row).toEqual({ source, input_tokens: 300 });
    } finally {
      await db.close();
    }
  });
});
