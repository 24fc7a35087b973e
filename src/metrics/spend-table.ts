import { defineMetric } from './define.js';
import type { MetricContext } from './metric.js';
import { namesPeople } from './privacy.js';
import { DIMENSIONS, spendBy, type Dimension } from './query.js';

const COLUMNS = [
  { id: 'cost', label: 'spend', unit: 'USD' },
  { id: 'share', label: 'share', unit: 'share' },
  { id: 'tokens', label: 'tokens', unit: 'tokens' },
  { id: 'tokens_per_dollar', label: 'tokens per $', unit: 'tokens per USD' },
  { id: 'cache_read_share', label: 'cache-read share', unit: 'share' },
  { id: 'unpriced_tokens', label: 'unpriced tokens', unit: 'tokens' },
  { id: 'people', label: 'people', unit: 'people' },
] as const;

/**
 * Spend grouped by one dimension (`spendBy`) in the catalog's table shape, so the API, the CLI and every
 * export answer it with the same columns. People are grouped by team when this viewer may not see them, and
 * the table says so, as every grouped metric does. `people` is the head count behind each group: what the
 * privacy fold judged it by.
 */
async function computeSpend(ctx: MetricContext, by: Dimension | null) {
  const asked = by ?? 'team';
  const groups = await spendBy(ctx, asked, { withUnpriced: true });
  const used = asked === 'person' && !namesPeople(ctx.privacy, ctx.viewer, ctx.filter) ? 'team' : asked;
  return {
    by: used,
    rows: groups.map((g) => ({
      key: g.key,
      label: g.label,
      values: {
        // A group whose usage is all unpriced has an unknown cost: null (shown as unpriced), never $0.
        cost: g.priced ? g.cost.toFixed() : null,
        share: g.priced ? g.share : null,
        tokens: g.tokens,
        tokens_per_dollar: g.tokensPerDollar,
        cache_read_share: g.tokens ? g.cacheReadTokens / g.tokens : null,
        unpriced_tokens: g.unpricedTokens,
        people: g.people,
      },
    })),
    notes: [
      ...(used === asked ? [] : ['People may not be named to this viewer: grouped by team instead.']),
      ...(groups.some((g) => g.unpricedTokens > 0)
        ? [
            'Unpriced usage (no list price, no override) is in no dollar figure: its tokens are counted apart, and a group with only unpriced usage has no spend figure (see data.unpriced_volume).',
          ]
        : []),
    ],
  };
}

/** spend.total: the ledger's spend by any dimension (by team unless asked otherwise). */
export const spendTotalMetric = defineMetric({
  id: 'spend.total',
  dims: DIMENSIONS,
  defaultBy: 'team',
  columns: COLUMNS,
  compute: computeSpend,
});

/** efficiency.tokens_per_dollar reads the same groups: its column is the one that answers it. */
export const tokensPerDollarMetric = defineMetric({
  id: 'efficiency.tokens_per_dollar',
  dims: DIMENSIONS,
  defaultBy: 'team',
  columns: COLUMNS,
  compute: computeSpend,
});
