import { formatUsd } from '../domain/money.js';
import { bandBasis } from '../metrics/workload-bands.js';
import type { AuditPlan, PlanWorkload } from './plan.js';
import type { PlanCandidate } from './plan-candidates.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (v: number) => `${Math.round(v * 100)}%`;

/** JSON of a plan: money as decimal strings, so nothing is rounded through a float. */
export function planJson(plan: AuditPlan): unknown {
  return {
    window: plan.window,
    workloads: plan.workloads.map((w) => ({
      ...w,
      spend: w.spend.toString(),
      incumbentListCost: w.incumbentListCost?.toString() ?? null,
      peers:
        w.peers.kind === 'none'
          ? { kind: 'none', basis: bandBasis(w.workloadType, w.peers) }
          : { ...w.peers, basis: bandBasis(w.workloadType, w.peers) },
      candidates: w.candidates.map((c) => ({ ...c, cost: c.cost.toString(), saving: c.saving.toString() })),
    })),
  };
}

function candidateLine(c: PlanCandidate): string {
  const p = c.listPrices;
  const prices = `$${p.inputMtok} in / $${p.cacheReadMtok ?? '—'} cache read / $${p.cacheWriteMtok ?? '—'} cache write / $${p.outputMtok} out per Mtok`;
  return `    ${c.model} (${c.sameProvider ? 'same provider' : c.provider}; ${prices}): ${formatUsd(c.cost)}, saves ${formatUsd(c.saving)} (${pct(c.savingShare)})`;
}

function peerLine(w: PlanWorkload): string {
  const tpd = w.tokensPerDollar === null ? 'no priced tokens' : `${fmt(w.tokensPerDollar)} tokens per $`;
  if (w.peers.kind === 'none') return `  ${tpd}; ${w.peers.reason}`;
  const ref =
    w.peers.kind === 'peers'
      ? `peers' median ${fmt(w.peers.median)}`
      : `configured band ${fmt(w.peers.low)}–${fmt(w.peers.high)}`;
  return `  ${tpd}, against ${ref} (${bandBasis(w.workloadType, w.peers)})`;
}

function workloadBlock(w: PlanWorkload, i: number): string {
  const lines = [
    `${i + 1}. ${w.label} (${w.kind}, ${w.workloadType}) on ${w.model ?? 'unknown model'}: ${formatUsd(w.spend)}`,
    peerLine(w),
    `  token mix: ${fmt(w.tokens.input)} input, ${fmt(w.tokens.cacheRead)} cache read, ${fmt(w.tokens.cacheWrite)} cache write, ${fmt(w.tokens.output)} output` +
      (w.cacheShare === null ? '' : ` (cache reads ${pct(w.cacheShare)} of prompt tokens)`),
    w.incumbentListCost === null
      ? '  no list price for its model: candidates cannot be compared'
      : `  at list prices: ${formatUsd(w.incumbentListCost)}; cheaper candidates on the same tokens:`,
    ...(w.incumbentListCost === null
      ? []
      : w.candidates.length
        ? w.candidates.map(candidateLine)
        : ['    none cheaper in the catalog']),
    w.bar === null
      ? `  quality bar: ${w.kind === 'workflow' ? 'unknown (no org file read)' : 'n/a (only workflows are audited)'}`
      : `  quality bar: ${w.bar.written ? `yes (v${w.bar.version})` : 'no: write one under quality_bars in mileage.yaml'}`,
  ];
  if (w.kind === 'workflow')
    lines.push(
      w.lastAudit
        ? `  last audited: ${w.lastAudit.day} (${w.lastAudit.id}, incumbent ${w.lastAudit.incumbent}: ${w.lastAudit.candidates.join(', ')})`
        : '  last audited: never',
    );
  for (const r of w.reaudit)
    lines.push(`  re-audit: ${r.newer} is newer than ${r.audited}, which the last audit tried`);
  return lines.join('\n');
}

export function renderPlan(plan: AuditPlan): string {
  if (plan.workloads.length === 0)
    return `No priced spend from ${plan.window.since} to ${plan.window.until}.`;
  const until = plan.window.until;
  return [
    `Audit plan: the costliest workloads from ${plan.window.since} to ${until} (exclusive), candidates priced at list on their own tokens.`,
    '',
    plan.workloads.map(workloadBlock).join('\n\n'),
  ].join('\n');
}
