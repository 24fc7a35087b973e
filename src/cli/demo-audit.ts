import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentBar } from '../audit/bar.js';
import { parseQualityBars } from '../audit/bar-file.js';
import { parseDataset } from '../audit/dataset.js';
import { evaluate } from '../audit/evaluate.js';
import { ResultsLog } from '../audit/results-log.js';
import { RUN_FILES, type RunSpec } from '../audit/run-dir.js';
import { monthlySpendOf, saveAuditRun } from '../audit/stored-runs.js';
import { parseTarget } from '../audit/target.js';
import { toJsonl } from '../demo/alert-triage.js';
import { DEMO_AUDIT, recordedTriageAudit } from '../demo/audit-recording.js';
import { usd } from '../domain/money.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { Db } from '../store/db.js';

/**
 * Ships the demo's alert-triage audit: its dataset, a recorded run directory (`audit run --replay` re-scores
 * it offline) and the run's verdicts in the store, so the weekly diagnostic's model-fit finding shows them.
 */
export async function installDemoAudit(
  db: Db,
  demoDir: string,
  orgYaml: string,
  incumbent: string,
  end: Date,
  book: PriceBook,
): Promise<{ runDir: string }> {
  const at = new Date(end.getTime() - DEMO_AUDIT.daysBeforeEnd * 86_400_000);
  const recorded = recordedTriageAudit(incumbent, at);
  const auditDir = join(demoDir, 'audit');
  const runDir = join(auditDir, DEMO_AUDIT.runId);
  mkdirSync(runDir, { recursive: true });
  const datasetPath = join(auditDir, 'alert-triage.jsonl');
  const text = toJsonl(recorded.cases);
  writeFileSync(datasetPath, text);
  const dataset = parseDataset(text, datasetPath);
  const spec: RunSpec = {
    version: 1,
    id: DEMO_AUDIT.runId,
    workflow: DEMO_AUDIT.workflow,
    dataset: { path: datasetPath, sha256: dataset.sha256 },
    targets: recorded.targets,
    stream: false,
    createdAt: at.toISOString(),
  };
  writeFileSync(join(runDir, RUN_FILES.spec), `${JSON.stringify(spec, null, 2)}\n`);
  writeFileSync(
    join(runDir, RUN_FILES.answers),
    recorded.answers.map((a) => JSON.stringify(a)).join('\n') + '\n',
  );
  const bar = currentBar(parseQualityBars(orgYaml, 'mileage.yaml'), DEMO_AUDIT.workflow);
  if (!bar) throw new Error('the demo org file has no alert-triage quality bar');
  const log = new ResultsLog(join(runDir, RUN_FILES.answers));
  const spend = await monthlySpendOf(db, DEMO_AUDIT.workflow);
  const result = evaluate(
    { cases: dataset.cases, targets: recorded.targets.map(parseTarget), bar, stream: false },
    bar,
    log,
    book,
    spend === null ? null : usd(spend),
  );
  log.close();
  writeFileSync(
    join(runDir, RUN_FILES.result),
    `${JSON.stringify({ run: spec.id, finishedAt: at.toISOString(), result }, null, 2)}\n`,
  );
  await saveAuditRun(db, { id: spec.id, workflow: spec.workflow, finishedAt: at.toISOString(), result });
  return { runDir };
}
