import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQualityBars } from '../../src/audit/bar-file.js';
import { parseDataset } from '../../src/audit/dataset.js';
import { evaluate } from '../../src/audit/evaluate.js';
import { ResultsLog } from '../../src/audit/results-log.js';
import { runAudit } from '../../src/audit/runner.js';
import { parseTarget } from '../../src/audit/target.js';
import { alertTriageCases, toJsonl } from '../../src/demo/alert-triage.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { startFakeProviders, type FakeProviders } from './fake-providers.js';
import { mistakesAmong, TRIAGE_BAR_YAML, triageAnswers } from './triage.js';

// The bars, scripted on the local provider server. Expected statistics were computed by scipy 1.17.1
// (test/fixtures/audit/expected-statistics.py), not by the code under test.
const bar = parseQualityBars(TRIAGE_BAR_YAML, 'mileage.yaml')[0]!;
const fast = { attempts: 6, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 10_000 };
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mileage-audit-bars-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function audit(
  count: number,
  mistakes: (cases: ReturnType<typeof alertTriageCases>) => Record<string, Set<string>>,
  targets: string[],
  faults: Partial<Parameters<typeof startFakeProviders>[0]> = {},
  stream = false,
) {
  const cases = alertTriageCases(count, 7);
  const server: FakeProviders = await startFakeProviders({
    answer: triageAnswers(cases, mistakes(cases)),
    ...faults,
  });
  try {
    const dataset = parseDataset(toJsonl(cases), 'alerts.jsonl');
    const log = new ResultsLog(
      join(dir, `${count}-${targets.join('+').replace(/[^a-z0-9+-]/gi, '_')}-${stream}.jsonl`),
    );
    const inputs = { cases: dataset.cases, targets: targets.map(parseTarget), bar, stream };
    const env = {
      ANTHROPIC_API_KEY: 'k',
      OPENAI_API_KEY: 'k',
      ANTHROPIC_BASE_URL: server.anthropicBase,
      OPENAI_BASE_URL: server.openaiBase,
    };
    const run = await runAudit(inputs, {
      log,
      cache: null,
      book: new PriceBook(),
      env,
      concurrency: 8,
      requestsPerMinute: 0,
      maxSpend: null,
      retry: fast,
    });
    const result = evaluate(inputs, bar, log, new PriceBook(), null);
    log.close();
    return { run, result, server, cases };
  } finally {
    await server.close();
  }
}

describe('scripted audits on the local provider server', () => {
  it("97% agreement on 600 cases against a 95% bar: move, with scipy's interval and p-value", async () => {
    const { result, run, server } = await audit(
      600,
      (cases) => ({ 'claude-haiku-4-5': mistakesAmong(cases, 18), 'gpt-5-mini': mistakesAmong(cases, 60) }),
      ['claude-opus-4-1', 'claude-haiku-4-5', 'openai-chat:gpt-5-mini', 'openai-responses:gpt-4.1-mini'],
      { rateLimitEvery: 17, serverErrorEvery: 23, malformedEvery: 29 },
    );
    expect(run.failures).toEqual([]);
    // Every answer paid for exactly once although faults forced retries.
    expect(server.served).toHaveLength(2400);
    expect(server.received).toBeGreaterThan(2400);
    const [haiku, gpt5mini, gpt41mini] = result.candidates;
    expect(haiku!.verdict).toBe('move');
    const same = haiku!.requirements[1]!;
    expect([same.passed, same.n]).toEqual([582, 600]);
    expect(same.interval.low).toBeCloseTo(0.9530792576730232, 12);
    expect(same.interval.high).toBeCloseTo(0.980940743374098, 12);
    expect(same.pValue).toBeCloseTo(0.01127700631521027, 12);
    expect(same.paired?.mcnemarP).toBeCloseTo(7.62939453125e-6, 15);
    expect(gpt5mini!.verdict).toBe('keep');
    expect(gpt41mini!.verdict).toBe('move');
    expect(gpt41mini!.requirements[1]!.passed).toBe(600);
    // Cost per case from the responses' usage, priced: the cheaper model costs less per case.
    expect(Number(haiku!.figures.costPerCase)).toBeGreaterThan(0);
    expect(Number(haiku!.figures.costPerCase)).toBeLessThan(Number(result.incumbent.costPerCase));
  }, 60_000);

  it('90% agreement: keep, listing exactly the failing cases', async () => {
    let wrong = new Set<string>();
    const { result } = await audit(
      600,
      (cases) => {
        wrong = mistakesAmong(cases, 60);
        return { 'claude-haiku-4-5': wrong };
      },
      ['claude-opus-4-1', 'claude-haiku-4-5'],
      {},
      true,
    );
    const haiku = result.candidates[0]!;
    expect(haiku.verdict).toBe('keep');
    const same = haiku.requirements[1]!;
    expect([same.passed, same.n]).toEqual([540, 600]);
    expect(same.interval.high).toBeCloseTo(0.9215183304119361, 12);
    expect(new Set(same.failures.map((f) => f.caseId))).toEqual(wrong);
  }, 60_000);

  it('40 cases: inconclusive, with the number of cases that would decide it', async () => {
    const { result } = await audit(40, (cases) => ({ 'claude-haiku-4-5': mistakesAmong(cases, 1) }), [
      'claude-opus-4-1',
      'claude-haiku-4-5',
    ]);
    const haiku = result.candidates[0]!;
    expect(haiku.verdict).toBe('inconclusive');
    expect(haiku.requirements[1]!.casesNeeded).toBe(292);
    expect(haiku.moreCasesNeeded).toBe(252);
  }, 60_000);
});
