import type { MetricContext } from './metric.js';
import { namesPeople } from './privacy.js';
import { spendBy, type Dimension } from './query.js';
import type { MetricTable } from './table.js';

/**
 * spend.total (and efficiency.tokens_per_dollar, which reads the same groups) in the catalog's table shape,
 * so the API, the CLI and every export answer it with the same columns. People are grouped by team when
 * this viewer may not see them, and the table says so, as the registry's tables do.
 */
export async function spendTable(ctx: MetricContext, metric: string, by: Dimension): Promise<MetricTable> {
  const groups = await spendBy(ctx, by);
  const used = by === 'person' && !namesPeople(ctx.privacy, ctx.viewer, ctx.filter) ? 'team' : by;
  return {
    metric,
    window: ctx.window,
    by: used,
    columns: [
      { id: 'cost', label: 'spend', unit: 'USD' },
      { id: 'share', label: 'share', unit: 'share' },
      { id: 'tokens', label: 'tokens', unit: 'tokens' },
      { id: 'tokens_per_dollar', label: 'tokens per $', unit: 'tokens per USD' },
      { id: 'cache_read_share', label: 'cache-read share', unit: 'share' },
    ],
    rows: groups.map((g) => ({
      key: g.key,
      label: g.label,
      values: {
        cost: g.cost.toString(),
        share: g.share,
        tokens: g.tokens,
        tokens_per_dollar: g.tokensPerDollar,
        cache_read_share: g.tokens ? g.cacheReadTokens / g.tokens : null,
      },
    })),
    notes: used === by ? [] : ['People may not be named to this viewer: grouped by team instead.'],
  };
}
