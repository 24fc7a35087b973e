import { addDays } from '../domain/time.js';
import { coverage, dataExtent } from '../metrics/spend.js';
import { spendBy, type Dimension } from '../metrics/query.js';
import { metricContext } from './api/scope.js';
import type { ServerDeps } from './deps.js';
import { escapeLabel } from './stats.js';

/** The dashboard's default window: the 28 days ending with the store's last day. */
const WINDOW_DAYS = 28;
const DIMENSIONS: Dimension[] = ['team', 'tool', 'model'];

/**
 * Spend, tokens and attribution coverage as Prometheus gauges, so a platform team can graph them where it
 * graphs everything else. Rendered as an org-wide viewer sees them (people never named, groups under
 * `min_group_size` folded as in the API), one dimension per series: a cross of team × model would let a
 * difference of two series reveal a small group. Values are the exact decimals the ledger holds, written as
 * text; computed once per data version.
 */
export async function businessSeries(deps: ServerDeps): Promise<string> {
  return deps.cache.value('prometheus-business-series', async () => {
    const extent = await dataExtent({ db: deps.db });
    if (!extent) return '';
    const window = { since: addDays(extent.last, 1 - WINDOW_DAYS), until: addDays(extent.last, 1) };
    const ctx = metricContext(deps, { window, filter: {}, viewer: { role: 'viewer' } });
    const lines: string[] = [];
    const gauge = (name: string, help: string, samples: [string, string][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [labels, value] of samples) lines.push(`${name}{${labels}} ${value}`);
    };
    for (const dimension of DIMENSIONS) {
      const groups = await spendBy(ctx, dimension);
      const label = (g: { label: string }) =>
        `${dimension}="${escapeLabel(g.label)}",window="${WINDOW_DAYS}d"`;
      gauge(
        `mileage_spend_usd_by_${dimension}`,
        `AI spend in USD over the last ${WINDOW_DAYS} days of data, by ${dimension} (privacy applied)`,
        groups.map((g) => [label(g), g.cost.toFixed()]),
      );
      gauge(
        `mileage_tokens_by_${dimension}`,
        `Tokens over the last ${WINDOW_DAYS} days of data, by ${dimension} (privacy applied)`,
        groups.map((g) => [label(g), String(g.tokens)]),
      );
    }
    gauge(
      'mileage_spend_coverage_share',
      `Share of priced spend over the last ${WINDOW_DAYS} days attributed at each level`,
      (await coverage(ctx)).map((c) => [`level="${c.level}",window="${WINDOW_DAYS}d"`, String(c.share)]),
    );
    return lines.join('\n') + '\n';
  });
}
