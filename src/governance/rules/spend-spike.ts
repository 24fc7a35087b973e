import { dailySpikes } from '../../diagnostics/trends.js';
import { formatUsd, usd } from '../../domain/money.js';
import { addDays } from '../../domain/time.js';
import { dailySpend } from '../../metrics/spend.js';
import type { AlertCandidate } from '../alert.js';
import type { RuleContext } from '../rule-context.js';

/** The diagnostic's baseline: each day against the 28 before it. */
const BASELINE_DAYS = 28;

/**
 * spend.spike: a recent day whose org-wide spend stands out from its robust baseline — the weekly
 * diagnostic's rule (anomaly.daily_spike, diagnostics/trends.ts) with mileage.yaml's thresholds. Org-wide:
 * it goes to the org's channels, with the workload drill-down as the next step.
 */
export async function spendSpikeAlerts(ctx: RuleContext): Promise<AlertCandidate[]> {
  const rule = ctx.settings.alerts.rules.spend_spike;
  const until = addDays(ctx.asOf, 1);
  const since = addDays(until, -(BASELINE_DAYS + rule.recent_days));
  const got = new Map(
    (
      await dailySpend({ db: ctx.db, privacy: ctx.privacy, viewer: ctx.viewer, window: { since, until } })
    ).map((d) => [d.day, d.cost]),
  );
  // Days without spend are zero, not missing: the baseline is of calendar days.
  const days = Array.from({ length: BASELINE_DAYS + rule.recent_days }, (_, i) => {
    const day = addDays(since, i);
    return { day, cost: got.get(day) ?? usd(0) };
  });
  return dailySpikes(days, rule.recent_days, rule).map((s) => ({
    rule: 'spend.spike',
    subject: 'org',
    period: s.day,
    level: 1,
    severity: 'warning',
    teamId: null,
    route: 'org',
    message: {
      title: `Spend on ${s.day} was ${(s.cost / s.baseline).toFixed(1)}x its baseline`,
      happened: `The org's AI spend on ${s.day} was ${formatUsd(usd(s.cost.toFixed(2)))}, ${(s.cost / s.baseline).toFixed(1)}x the median day of the ${BASELINE_DAYS} days before (${formatUsd(usd(s.baseline.toFixed(2)))}).`,
      evidence: [
        ['day', s.day],
        ['spend', formatUsd(usd(s.cost.toFixed(2)))],
        ['baseline (median day)', formatUsd(usd(s.baseline.toFixed(2)))],
      ],
      question: `Open ${s.day} by workload and session: a runaway agent loop, a batch job, or a new workflow?`,
      metricIds: ['anomaly.daily_spike', 'spend.daily'],
    },
  }));
}
