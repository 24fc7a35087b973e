import { expect, it } from 'vitest';
import { alertTriageCases, DEMO_TRIAGE_BAR_LINES } from '../demo/alert-triage.js';
import { usd } from '../domain/money.js';
import { PriceBook } from '../pricing/price-book.js';
import { openStore } from '../store/open.js';
import { parseQualityBars } from './bar-file.js';
import { evaluate } from './evaluate.js';
import { ResultsLog } from './results-log.js';
import { parseTarget } from './target.js';
import { taskFor } from './task-key.js';
import { latestAudit, listAudits, saveAuditRun, storedResult } from './stored-runs.js';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

it('stores a run’s verdicts (no answer text) and reads the latest back', async () => {
  const bar = parseQualityBars(`org: x\n${DEMO_TRIAGE_BAR_LINES.join('\n')}\n`, 'mileage.yaml')[0]!;
  const cases = alertTriageCases(100, 5);
  const targets = ['claude-opus-4-1', 'claude-haiku-4-5'].map(parseTarget);
  const log = new ResultsLog(join(mkdtempSync(join(tmpdir(), 'audit-store-')), 'answers.jsonl'));
  for (const c of cases)
    for (const t of targets)
      log.append({
        t: 'answer',
        key: taskFor(c, t, 0).key,
        case: c.id,
        target: t.id,
        trial: 0,
        text: `{"severity": ${c.reference.severity}, "team": "SECRET-ANSWER-TEXT"}`,
        tokens: { input: 100, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
        latencyMs: 10,
        served: t.model,
        at: '2026-11-01T00:00:00Z',
      });
  const result = evaluate({ cases, targets, bar, stream: false }, bar, log, new PriceBook(), usd(1000));
  log.close();
  const db = await openStore(':memory:');
  try {
    await saveAuditRun(db, {
      id: 'run-1',
      workflow: 'alert-triage',
      finishedAt: '2026-11-02T10:00:00Z',
      result,
    });
    await saveAuditRun(db, {
      id: 'run-0',
      workflow: 'alert-triage',
      finishedAt: '2026-10-01T10:00:00Z',
      result,
    });
    const latest = await latestAudit(db, 'alert-triage');
    expect(latest?.id).toBe('run-1');
    expect(latest?.barVersion).toBe(3);
    expect(latest?.verdicts).toMatchObject([
      { candidate: 'claude-haiku-4-5', verdict: 'move', passed: 100, n: 100 },
    ]);
    // Saving = spend × (1 − haiku cost per case ÷ opus cost per case), exact decimals.
    const c = result.candidates[0]!;
    const expected = usd(1000).times(
      usd(1).minus(usd(c.figures.costPerCase!).dividedBy(result.incumbent.costPerCase!)),
    );
    expect(latest?.verdicts[0]?.monthlySaving).toBe(expected.toDecimalPlaces(2).toFixed(2));
    expect((await listAudits(db)).map((a) => a.id)).toEqual(['run-1', 'run-0']);
    const stored = await storedResult(db, 'run-1');
    expect(JSON.stringify(stored)).not.toContain('SECRET-ANSWER-TEXT');
    expect(await latestAudit(db, 'other')).toBeNull();
  } finally {
    await db.close();
  }
});
