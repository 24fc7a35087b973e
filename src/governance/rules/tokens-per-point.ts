import { addDays, weekStart } from '../../domain/time.js';
import { tokensPerPoint } from '../../metrics/effectiveness.js';
import type { AlertCandidate } from '../alert.js';
import type { RuleContext } from '../rule-context.js';

/**
 * delivery.tokens_per_point: a team whose tokens per delivery point (effectiveness.tokens_per_point, by team,
 * one whole week at a time) rose week over week `weeks` times in a row, and by at least `min_rise` overall.
 * The catalog metric groups as the audience may see, so a team below the minimum group size is never singled
 * out. Goes to the team's coach: more tokens for the same delivery is a question about how work is done.
 */
export async function tokensPerPointAlerts(ctx: RuleContext): Promise<AlertCandidate[]> {
  const rule = ctx.settings.alerts.rules.tokens_per_point;
  const lastUntil = weekStart(addDays(ctx.asOf, 1));
  // The chain is rule.weeks + 1 whole weeks (the first is the baseline of the first rise). Each catalog call
  // answers a week and the week before it (its `previous` column), so every other week is asked for.
  const chainLength = rule.weeks + 1;
  const firstSince = addDays(lastUntil, -7 * chainLength);
  const weekAt = (i: number) => ({
    since: addDays(firstSince, 7 * i),
    until: addDays(firstSince, 7 * (i + 1)),
  });
  const asked = Array.from({ length: chainLength }, (_, i) => i).filter(
    (i) => (chainLength - 1 - i) % 2 === 0,
  );
  const tables = await Promise.all(
    asked.map((i) =>
      tokensPerPoint({ db: ctx.db, privacy: ctx.privacy, viewer: ctx.viewer, window: weekAt(i) }, 'team'),
    ),
  );
  const series = new Map<string, { label: string; chain: (number | null)[] }>();
  tables.forEach((t, j) => {
    const i = asked[j] as number;
    for (const row of t.rows) {
      const s = series.get(row.key) ?? {
        label: row.label,
        chain: Array<number | null>(chainLength).fill(null),
      };
      s.chain[i] = row.values.tokens_per_point as number | null;
      if (i > 0 && s.chain[i - 1] === null) s.chain[i - 1] = row.values.previous as number | null;
      series.set(row.key, s);
    }
  });
  const out: AlertCandidate[] = [];
  for (const [key, s] of series) {
    const chain = s.chain;
    if (chain.some((v) => v === null || v <= 0)) continue;
    const vs = chain as number[];
    const rising = vs.every((v, i) => i === 0 || v > (vs[i - 1] as number));
    const first = vs[0] as number;
    const last = vs[vs.length - 1] as number;
    if (!rising || last < rule.min_rise * first) continue;
    const teamId = ctx.knownTeam(key) ? key : null;
    out.push({
      rule: 'delivery.tokens_per_point',
      subject: key,
      period: lastUntil,
      level: 1,
      severity: 'info',
      teamId,
      route: teamId === null ? 'org' : 'coach',
      message: {
        title: `Tokens per delivery point in ${s.label} rose ${rule.weeks} weeks in a row`,
        happened: `${s.label} used ${Math.round(last).toLocaleString('en-US')} tokens per delivery point in the week to ${addDays(lastUntil, -1)}, up from ${Math.round(first).toLocaleString('en-US')} ${rule.weeks} weeks before (${(last / first).toFixed(1)}x), rising every week.`,
        evidence: chain.map((v, i) => [
          `week from ${weekAt(i).since}`,
          `${Math.round(v as number).toLocaleString('en-US')} tokens per point`,
        ]),
        question:
          'Has the work changed (harder problems, more exploration) or has the way the team uses agents changed (longer contexts, more retries, a model swap)? Which of the two does the team see?',
        metricIds: ['effectiveness.tokens_per_point'],
      },
    });
  }
  return out;
}
