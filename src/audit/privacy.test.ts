import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEMO_TRIAGE_BAR_LINES } from '../demo/alert-triage.js';
import { recordedTriageAudit } from '../demo/audit-recording.js';
import { FIRST_NAMES, LAST_NAMES } from '../demo/names.js';
import { usd } from '../domain/money.js';
import { PriceBook } from '../pricing/price-book.js';
import { parseQualityBars } from './bar-file.js';
import { parseDataset } from './dataset.js';
import { evaluate } from './evaluate.js';
import { markdownToHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { ResultsLog } from './results-log.js';
import { parseTarget } from './target.js';

// Audit outputs name workflows, models and case ids: never a person, and never an answer's or request's text.
it('no audit output of the demo run names a demo person or carries request text', () => {
  const bar = parseQualityBars(`org: x\n${DEMO_TRIAGE_BAR_LINES.join('\n')}\n`, 'mileage.yaml')[0]!;
  const recorded = recordedTriageAudit('claude-opus-4-1', new Date('2026-11-04T00:00:00Z'));
  const dir = mkdtempSync(join(tmpdir(), 'audit-privacy-'));
  const log = new ResultsLog(join(dir, 'answers.jsonl'));
  for (const a of recorded.answers) log.append(a);
  const dataset = parseDataset(recorded.cases.map((c) => JSON.stringify(c)).join('\n'), 'alerts.jsonl');
  const inputs = { cases: dataset.cases, targets: recorded.targets.map(parseTarget), bar, stream: false };
  const result = evaluate(inputs, bar, log, new PriceBook(), usd(2000));
  log.close();
  const md = renderMarkdown(result, { runId: 'r', workflow: 'alert-triage', finishedAt: null });
  const outputs = [md, markdownToHtml(md, 'x'), JSON.stringify(result)];
  writeFileSync(join(dir, 'out.md'), md);
  for (const out of outputs) {
    for (const first of FIRST_NAMES)
      for (const last of LAST_NAMES) expect(out).not.toContain(`${first} ${last}`);
    expect(out).not.toContain('service=payments-api');
    expect(out).not.toContain('"team"');
  }
  expect(result.candidates[0]?.verdict).toBe('move');
});
