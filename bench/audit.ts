import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQualityBars } from '../src/audit/bar-file.js';
import { parseDataset } from '../src/audit/dataset.js';
import { evaluate } from '../src/audit/evaluate.js';
import { ResultsLog } from '../src/audit/results-log.js';
import { runAudit } from '../src/audit/runner.js';
import { parseTarget } from '../src/audit/target.js';
import { alertTriageCases, toJsonl } from '../src/demo/alert-triage.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { startFakeProviders } from '../test/audit/fake-providers.js';
import { mistakesAmong, TRIAGE_BAR_YAML, triageAnswers } from '../test/audit/triage.js';

/**
 * The audit bar: 1,000 cases on the incumbent and 3 candidates (4,000 answers; Anthropic Messages, OpenAI Chat
 * Completions and Responses) against the local provider server answering instantly, in the same process;
 * then the evaluation (scoring, statistics, pricing). Bar: < 30 s on this machine.
 */
export async function benchAudit(): Promise<void> {
  const cases = alertTriageCases(1000, 11);
  const server = await startFakeProviders({
    answer: triageAnswers(cases, {
      'claude-haiku-4-5': mistakesAmong(cases, 20),
      'gpt-5-mini': mistakesAmong(cases, 80),
    }),
  });
  const dir = mkdtempSync(join(tmpdir(), 'mileage-bench-audit-'));
  try {
    const bar = parseQualityBars(TRIAGE_BAR_YAML, 'mileage.yaml')[0];
    if (!bar) throw new Error('no bar');
    const dataset = parseDataset(toJsonl(cases), 'alerts.jsonl');
    const targets = [
      'claude-opus-4-1',
      'claude-haiku-4-5',
      'openai-chat:gpt-5-mini',
      'openai-responses:gpt-4.1-mini',
    ];
    const inputs = { cases: dataset.cases, targets: targets.map(parseTarget), bar, stream: false };
    const env = {
      ANTHROPIC_API_KEY: 'k',
      OPENAI_API_KEY: 'k',
      ANTHROPIC_BASE_URL: server.anthropicBase,
      OPENAI_BASE_URL: server.openaiBase,
    };
    const log = new ResultsLog(join(dir, 'answers.jsonl'));
    const started = performance.now();
    const outcome = await runAudit(inputs, {
      log,
      cache: null,
      book: new PriceBook(),
      env,
      concurrency: 16,
      requestsPerMinute: 0,
      maxSpend: null,
    });
    const ran = performance.now() - started;
    const result = evaluate(inputs, bar, log, new PriceBook(), null);
    const total = performance.now() - started;
    log.close();
    console.log(
      `1,000 cases x (incumbent + 3 candidates): ${outcome.called} calls in ${(ran / 1000).toFixed(2)} s, ` +
        `scored in ${((total - ran) / 1000).toFixed(2)} s; total ${(total / 1000).toFixed(2)} s (bar < 30 s)`,
    );
    console.log(`verdicts: ${result.candidates.map((c) => `${c.model} ${c.verdict}`).join(', ')}`);
    // Resume with everything recorded: no call, only reading the log.
    const again = performance.now();
    const log2 = new ResultsLog(join(dir, 'answers.jsonl'));
    const second = await runAudit(inputs, {
      log: log2,
      cache: null,
      book: new PriceBook(),
      env,
      concurrency: 16,
      requestsPerMinute: 0,
      maxSpend: null,
    });
    log2.close();
    console.log(
      `re-run on the complete log: ${second.called} calls, ${((performance.now() - again) / 1000).toFixed(2)} s`,
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
