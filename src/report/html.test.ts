import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import type { WeeklyReport } from '../diagnostics/weekly.js';
import { renderWeeklyHtml } from './html.js';
import { renderWeeklyMarkdown } from './markdown.js';

const report: WeeklyReport = {
  org: '<script>alert(1)</script>',
  window: { since: '2026-10-19', until: '2026-11-16' },
  varianceWindow: { since: '2026-08-24', until: '2026-11-16' },
  changes: null,
  headline: {
    spend: usd('10'),
    mergedPrs: 2,
    deliveryPoints: 4,
    costPerMergedPr: usd('5'),
    top5Share: 1,
    unpricedTokens: 0,
    unpricedModels: [],
    byBasis: [],
    prSpendBySession: null,
  },
  topWorkloads: [
    {
      label: 'bot | <img src=x onerror=alert(1)>',
      kind: 'key',
      model: null,
      cost: usd('10'),
      share: 1,
      tokensPerDollar: 1000,
      cacheReadShare: 0,
      shareChange: null,
    },
  ],
  byTeam: [
    { label: "Ops' <b>night</b> shift", cost: usd('7.50'), share: 0.75 },
    { label: 'unattributed', cost: usd('2.50'), share: 0.25 },
  ],
  findings: [],
  coverage: [],
  weeks: [],
};

describe('report renderers', () => {
  it('render HTML and script from names inert', () => {
    const html = renderWeeklyHtml(report);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('keep a pipe in a name from breaking a Markdown table, and HTML in it inert', () => {
    const md = renderWeeklyMarkdown(report);
    expect(md).toContain('bot \\| \\<img src=x onerror=alert(1)\\>');
    expect(md).not.toContain('<script>');
    // Backslash escapes, never HTML entities: a raw paste of the Markdown reads as written.
    expect(md).not.toMatch(/&#\d+;|&lt;|&gt;|&quot;/);
  });

  it('account for the whole bill by team under the top workloads, in every format', () => {
    expect(renderWeeklyMarkdown(report)).toContain(
      "By team, the whole $10.00: Ops' \\<b\\>night\\</b\\> shift $7.50 (75%) · unattributed $2.50 (25%)",
    );
    const html = renderWeeklyHtml(report);
    expect(html).toContain('By team, the whole $10.00: Ops&#39; &lt;b&gt;night&lt;/b&gt; shift $7.50 (75%)');
  });
});
