import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GROUPS } from '../test/bad-inputs/groups.js';
import { summarise, type Measured } from '../test/bad-inputs/measure.js';

/** `npm run bench -- bad-inputs`: the bad-input corpus (test/bad-inputs) with its counts per ingest path. */
export async function benchBadInputs(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mileage-bad-inputs-'));
  const results: Measured[] = [];
  try {
    for (const g of GROUPS) {
      const t = performance.now();
      results.push(...(await g.run(dir)));
      console.log(`${g.name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(summarise(results));
}
