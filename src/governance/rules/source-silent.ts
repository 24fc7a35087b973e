import { dataGaps } from '../../diagnostics/data-gaps.js';
import { addDays } from '../../domain/time.js';
import type { AlertCandidate } from '../alert.js';
import type { RuleContext } from '../rule-context.js';

/**
 * source.silent: a source that reported daily and went silent for `days` days in a row while others
 * reported (the diagnostic's data.gaps rule, diagnostics/data-gaps.ts, over the last 7 days). A silent
 * source under-states every total and budget: the org's channels get it with the way to re-run it.
 */
export async function sourceSilentAlerts(ctx: RuleContext): Promise<AlertCandidate[]> {
  const rule = ctx.settings.alerts.rules.source_silent;
  const until = addDays(ctx.asOf, 1);
  const gaps = await dataGaps({
    db: ctx.db,
    privacy: ctx.privacy,
    viewer: ctx.viewer,
    window: { since: addDays(until, -7), until },
  });
  return gaps
    .filter((g) => g.days >= rule.days)
    .map((g) => ({
      rule: 'source.silent',
      subject: g.source,
      period: g.from,
      level: 1,
      severity: 'warning',
      teamId: null,
      route: 'org',
      message: {
        title: `${g.source} stopped reporting on ${g.from}`,
        happened: `${g.source} reported on almost every day of the four weeks before, and sent nothing from ${g.from} to ${g.to} (${g.days} days) while other sources did. Totals and budgets miss what it would have reported.`,
        evidence: [
          ['source', g.source],
          ['silent', `${g.from} to ${g.to}`],
          ['days', String(g.days)],
        ],
        question:
          'Check the connector or the machine that feeds it (`mileage sync` output, log folders), then run it again: syncs are incremental and safe to repeat.',
        metricIds: ['data.gaps'],
      },
    }));
}
