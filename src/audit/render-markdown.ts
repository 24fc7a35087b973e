import { formatUsd, usd } from '../domain/money.js';
import type { AuditResult, CandidateResult } from './evaluate.js';

/** What a rendered audit says about itself beyond the result: its id, when it ran, what it was asked on. */
export interface AuditHeader {
  runId: string;
  workflow: string;
  finishedAt: string | null;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const money = (v: string | null, decimals = 4) => (v === null ? 'unpriced' : formatUsd(usd(v), decimals));
const VERDICT_WORDS = { move: 'MOVE', keep: 'KEEP', inconclusive: 'INCONCLUSIVE' } as const;

function candidateSection(c: CandidateResult, incumbentCost: string | null, maxFailures: number): string[] {
  const lines = [`### ${c.model}: ${VERDICT_WORDS[c.verdict]}`, ''];
  for (const r of c.reasons) lines.push(`- ${r}`);
  if (c.verdict === 'inconclusive')
    lines.push(
      c.moreCasesNeeded === null
        ? '- No number of cases can decide it at the observed rates.'
        : `- About ${c.moreCasesNeeded} more cases would decide it at the observed rates.`,
    );
  lines.push(
    '',
    '| Requirement | Passed | Rate [95% Wilson] | Bar | p (vs bar) | vs incumbent (McNemar p) |',
    '|---|---:|---|---:|---:|---|',
  );
  for (const r of c.requirements) {
    const paired = r.paired
      ? `${(r.paired.difference * 100).toFixed(1)} pts, ${r.paired.onlyIncumbent}/${r.paired.onlyCandidate} discordant (p=${r.paired.mcnemarP.toPrecision(3)})`
      : '';
    lines.push(
      `| ${r.name}${r.tags.length ? ` (${r.tags.join(', ')})` : ''} | ${r.passed} / ${r.n} | ${pct(r.rate)} [${pct(r.interval.low)}–${pct(r.interval.high)}] | ${pct(r.required)} | ${r.pValue.toPrecision(3)} | ${paired} |`,
    );
  }
  const f = c.figures;
  lines.push(
    '',
    `Cost per case ${money(f.costPerCase)} (incumbent ${money(incumbentCost)}); latency p50 ${f.latencyMs.p50 ?? '–'} ms, p95 ${f.latencyMs.p95 ?? '–'} ms` +
      (c.monthlySaving === null
        ? '.'
        : `; projected saving ${formatUsd(usd(c.monthlySaving), 0)} a month at current volume.`),
  );
  const failures = c.requirements.flatMap((r) => r.failures.map((x) => ({ ...x, requirement: r.name })));
  if (failures.length > 0) {
    lines.push(
      '',
      `Failing cases (${failures.length}${failures.length > maxFailures ? `, first ${maxFailures}` : ''}):`,
      '',
    );
    for (const x of failures.slice(0, maxFailures))
      lines.push(`- ${x.caseId}${x.trial > 0 ? ` (trial ${x.trial + 1})` : ''}: ${x.requirement}: ${x.why}`);
  }
  return lines;
}

/** The one-page answer: what was audited, against which bar version, each candidate's verdict and why. */
export function renderMarkdown(result: AuditResult, header: AuditHeader, maxFailures = 25): string {
  const lines = [
    `# Model audit: ${header.workflow}`,
    '',
    `Run ${header.runId}${header.finishedAt ? `, ${header.finishedAt.slice(0, 10)}` : ''}; bar v${result.bar.version}; ${result.cases} cases × ${result.trials} trial${result.trials === 1 ? '' : 's'}.`,
    `Incumbent ${result.incumbent.model}: ${money(result.incumbent.costPerCase)} a case. The audit itself cost ${money(result.auditCost, 2)}` +
      (Number(result.judgeCost) > 0 ? ` (judge ${money(result.judgeCost, 2)})` : '') +
      (result.unpricedAnswers > 0 ? `; ${result.unpricedAnswers} answers unpriced` : '') +
      '.',
  ];
  if (result.unanswered > 0)
    lines.push(`${result.unanswered} cases lack an answer from some model and are left out of its scores.`);
  for (const c of result.candidates)
    lines.push('', ...candidateSection(c, result.incumbent.costPerCase, maxFailures));
  return `${lines.join('\n')}\n`;
}
