import { resolve } from 'node:path';
import { CONTROL, DEMO_END, PLANTED, generateDemo, type DemoOptions } from '../demo/index.js';
import { MileageError } from '../domain/errors.js';
import { loadDemo } from '../demo/load.js';
import type { IngestSummary } from '../ingest/summary.js';
import type { PricingSummary } from '../ingest/pricing-pass.js';
import { formatIssue, loadOrgFile } from '../org/load.js';
import type { Db } from '../store/db.js';
import { alertModel } from '../demo/bots.js';
import { readFile } from 'node:fs/promises';
import { installDemoAudit } from './demo-audit.js';
import { priceBookFor } from './pricing.js';
import type { Terminal } from './terminal.js';

export interface DemoRequest {
  seed: number;
  engineers: number;
  months: number;
  control: boolean;
  out: string;
}

/** Generates the demo's source-shaped files, then loads them like real data. */
export async function generateAndLoadDemo(
  db: Db,
  req: DemoRequest,
  term: Terminal,
): Promise<{ summary: IngestSummary; pricing: PricingSummary; dir: string; seconds: number }> {
  const started = performance.now();
  const options: DemoOptions = {
    seed: req.seed,
    end: DEMO_END,
    engineers: req.engineers,
    months: req.months,
    effects: req.control ? CONTROL : PLANTED,
  };
  term.log(
    `Generating the demo organisation (seed ${req.seed}, ${req.engineers} engineers, ${req.months} months${req.control ? ', nothing planted' : ''})…`,
  );
  const manifest = await generateDemo(options, resolve(req.out));
  const org = await loadOrgFile(manifest.orgFile);
  if (!org.ok) {
    throw new MileageError(
      'internal',
      `the demo wrote an invalid org file:\n${org.error.map(formatIssue).join('\n')}`,
    );
  }
  const bar = term.progress('loading', manifest.files.length);
  const { summary, pricing } = await loadDemo(db, manifest, org.value, priceBookFor(org.value), () =>
    bar.tick(),
  );
  bar.done();
  if (options.effects.modelFit) {
    // The planted model-fit finding's workload comes with its audit, recorded (see src/demo/audit-recording.ts).
    await installDemoAudit(
      db,
      manifest.dir,
      await readFile(manifest.orgFile, 'utf8'),
      alertModel(true),
      new Date(`${DEMO_END}T00:00:00Z`),
      priceBookFor(org.value),
    );
  }
  await db.setMeta('demo', JSON.stringify({ seed: req.seed, dir: manifest.dir, control: req.control }));
  return { summary, pricing, dir: manifest.dir, seconds: (performance.now() - started) / 1000 };
}
