import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLANTED, generateDemo } from '../src/demo/index.js';
import { weeklyReport } from '../src/diagnostics/weekly.js';
import { loadDemo } from '../src/demo/load.js';
import { loadOrgFile } from '../src/org/load.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { openStore } from '../src/store/open.js';

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * Issue 2's bar: the demo (30 engineers, 6 months) generates and loads in under 10 s, and the diagnostic
 * runs in under 2 s, on this machine, into a store file on disk (not in memory).
 */
export async function benchDemo(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-bench-'));
  try {
    let t = performance.now();
    const manifest = await generateDemo(
      { seed: 42, engineers: 30, months: 6, end: '2026-11-16', effects: PLANTED },
      join(dir, 'demo'),
    );
    const generate = seconds(t);
    const org = await loadOrgFile(manifest.orgFile);
    if (!org.ok) throw new Error('demo org file invalid');
    const db = await openStore(join(dir, 'bench.duckdb'));
    t = performance.now();
    const { summary } = await loadDemo(db, manifest, org.value, new PriceBook(org.value.priceOverrides));
    const load = seconds(t);
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await weeklyReport({
        db,
        org: org.value.org,
        privacy: org.value.privacy,
        viewer: { role: 'owner' },
        reprice: (p, m, at, tokens) => new PriceBook([]).estimate(p, m, at, tokens).amount,
      });
      runs.push(seconds(t));
    }
    runs.sort((a, b) => a - b);
    const counts = await db.counts();
    await db.close();
    console.log(
      `demo files: ${manifest.files.length}, records read: ${summary.records.toLocaleString('en-US')}, stored usage: ${counts.usage.toLocaleString('en-US')}, outcomes: ${counts.outcomes.toLocaleString('en-US')}`,
    );
    console.log(`generate:             ${generate.toFixed(2)} s`);
    console.log(`load (parse+price+ledger): ${load.toFixed(2)} s`);
    console.log(`generate + load:      ${(generate + load).toFixed(2)} s   (bar: < 10 s)`);
    console.log(
      `weekly diagnostic:    median ${runs[2]?.toFixed(3)} s, max ${runs[4]?.toFixed(3)} s over 5 runs   (bar: < 2 s)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
