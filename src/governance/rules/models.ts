import { addDays, weekStart } from '../../domain/time.js';
import { spendTotals } from '../../metrics/spend.js';
import { modelMix } from '../../metrics/spend-series.js';
import type { AlertCandidate } from '../alert.js';
import type { RuleContext } from '../rule-context.js';

/**
 * model.new_share: a model first seen within `new_within_days` that took at least `share` of a week's spend
 * (spend.model_mix over last week and this week so far). A new model is often a deliberate change, so it
 * goes to the org's channels as a note to confirm, not as a problem.
 */
export async function newModelAlerts(ctx: RuleContext): Promise<AlertCandidate[]> {
  const rule = ctx.settings.alerts.rules.new_model;
  const until = addDays(ctx.asOf, 1);
  const window = { since: addDays(weekStart(ctx.asOf), -7), until };
  const mix = await modelMix({ db: ctx.db, privacy: ctx.privacy, viewer: ctx.viewer, window });
  const big = new Map<string, { share: number; week: string }>();
  for (const r of mix.rows) {
    const share = Number(r.values.share ?? 0);
    if (r.label === 'unknown' || share < rule.share) continue;
    if ((big.get(r.label)?.share ?? 0) < share) big.set(r.label, { share, week: String(r.values.week) });
  }
  if (big.size === 0) return [];
  const firsts = await ctx.db.query(
    `SELECT model, CAST(min(day) AS VARCHAR) AS first FROM ledger_daily
     WHERE list_contains(CAST($models AS VARCHAR[]), model) AND day < CAST($until AS DATE) GROUP BY model`,
    { models: JSON.stringify([...big.keys()]), until },
  );
  const cutoff = addDays(until, -rule.new_within_days);
  return firsts
    .filter((r) => String(r.first) >= cutoff)
    .map((r) => {
      const model = String(r.model);
      const b = big.get(model) as { share: number; week: string };
      return {
        rule: 'model.new_share',
        subject: model,
        period: 'model',
        level: 1,
        severity: 'info',
        teamId: null,
        route: 'org',
        message: {
          title: `A new model, ${model}, took ${(b.share * 100).toFixed(0)}% of a week's spend`,
          happened: `${model} was first used on ${String(r.first)} and took ${(b.share * 100).toFixed(0)}% of the spend in the week of ${b.week}.`,
          evidence: [
            ['model', model],
            ['first used', String(r.first)],
            ['share of the week', `${(b.share * 100).toFixed(1)}%`],
          ],
          question:
            'Was the switch planned? If so, check its price is the one negotiated and that the work it does did not need the previous model; if not, find which keys or tools moved (`mileage query spend.total --by key`).',
          metricIds: ['spend.model_mix'],
        },
      } satisfies AlertCandidate;
    });
}

/**
 * model.unpriced: usage in the last seven days on models with no known price. Their tokens are kept and
 * shown, never counted as $0 — which is exactly why a budget cannot see them until a price is set.
 */
export async function unpricedAlerts(ctx: RuleContext): Promise<AlertCandidate[]> {
  const until = addDays(ctx.asOf, 1);
  const t = await spendTotals({
    db: ctx.db,
    privacy: ctx.privacy,
    viewer: ctx.viewer,
    window: { since: addDays(until, -7), until },
  });
  if (t.unpricedTokens <= 0 || t.unpricedModels.length === 0) return [];
  const models = [...t.unpricedModels].sort();
  return [
    {
      rule: 'model.unpriced',
      subject: models.join(','),
      period: weekStart(ctx.asOf),
      level: 1,
      severity: 'warning',
      teamId: null,
      route: 'org',
      message: {
        title: `${models.length} model${models.length === 1 ? ' has' : 's have'} no price`,
        happened: `${t.unpricedTokens.toLocaleString('en-US')} tokens in the last 7 days ran on ${models.join(', ')}, which ha${models.length === 1 ? 's' : 've'} no known price: they are shown as unpriced and are in no dollar total or budget.`,
        evidence: [
          ['models', models.join(', ')],
          ['unpriced tokens (7 days)', t.unpricedTokens.toLocaleString('en-US')],
        ],
        question:
          'Run `mileage prices check` for a ready-to-paste price override, then `mileage prices apply`.',
        metricIds: ['data.unpriced_volume'],
      },
    },
  ];
}
