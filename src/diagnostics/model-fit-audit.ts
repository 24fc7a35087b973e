import { latestAudit, type StoredAudit } from '../audit/stored-runs.js';
import { formatUsd, usd } from '../domain/money.js';
import { countText, pctText } from './evidence-format.js';
import type { MetricContext } from '../metrics/metric.js';

/** After a quarter, an audit's verdict is stale: models, prices and the workload itself have moved on. */
const REAUDIT_AFTER_DAYS = 91;

export interface AuditNote {
  /** One sentence for the finding's answer. */
  sentence: string;
  evidence: Record<string, string | number>;
  /** The verdict to act on, or null when there is none (never audited, or inconclusive). */
  verdict: 'move' | 'keep' | null;
  candidate: string | null;
  stale: boolean;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * What the model-fit finding says about the workflow's last audit: its verdict in one sentence with the
 * figures behind it ("audited 2026-11-04 against bar v3: claude-haiku-4-5 passes 99.2% [97.9–99.7%] of 500
 * cases, bar 95%; saves $1,816 a month"), whether it is stale, or that it was never audited. Stores without
 * audit tables (another dialect, a store older than its migration) read as never audited.
 */
export async function auditNote(ctx: MetricContext, workflow: string): Promise<AuditNote> {
  let audit: StoredAudit | null = null;
  try {
    audit = await latestAudit(ctx.db, workflow);
  } catch {
    audit = null;
  }
  if (!audit || audit.verdicts.length === 0)
    return {
      sentence:
        'It has never been audited: write its quality bar in mileage.yaml and run `mileage audit run`.',
      evidence: { audit: 'never audited' },
      verdict: null,
      candidate: null,
      stale: false,
    };
  const day = audit.finishedAt.slice(0, 10);
  const ageDays = (Date.parse(`${ctx.window.until}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000;
  const stale = ageDays > REAUDIT_AFTER_DAYS;
  // The candidate to quote: one that may move, else the first kept.
  const v = audit.verdicts.find((x) => x.verdict === 'move') ?? audit.verdicts[0];
  if (!v) throw new Error('unreachable: verdicts checked above');
  const saving =
    v.monthlySaving !== null && v.verdict === 'move'
      ? `; saves ${formatUsd(usd(v.monthlySaving), 0)} a month`
      : '';
  const verb = v.verdict === 'keep' ? 'fails' : v.verdict === 'move' ? 'passes' : 'is undecided at';
  const sentence =
    `Audited ${day} against bar v${audit.barVersion}: ${v.candidate} ${verb} ${pct(v.rate)} [${pct(v.low)}–${pct(v.high)}] of ${v.n} cases, bar ${pct(v.required)} (${v.verdict})${saving}.` +
    (stale ? ' That audit is older than a quarter: re-audit.' : '');
  return {
    sentence,
    evidence: {
      audit: audit.id,
      audit_day: day,
      audit_bar_version: audit.barVersion,
      audit_candidate: v.candidate,
      audit_verdict: v.verdict,
      audit_pass_rate: pctText(v.rate),
      audit_interval: `${pct(v.low)}–${pct(v.high)}`,
      audit_cases: countText(v.n),
      ...(v.monthlySaving !== null ? { audit_monthly_saving: formatUsd(usd(v.monthlySaving)) } : {}),
    },
    verdict: v.verdict === 'move' || v.verdict === 'keep' ? v.verdict : null,
    candidate: v.candidate,
    stale,
  };
}
