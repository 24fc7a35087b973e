import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import type { WeeklyReport } from '../diagnostics/weekly.js';
import { renderWeeklyHtml } from './html.js';
import { renderWeeklyMarkdown } from './markdown.js';

const report: WeeklyReport = {
  org: '<script>alert(1)</script>',
  window: { since: '2026-10-19', until: '2026-11-16' },
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
    expect(md).toContain('bot \\| &lt;img');
    expect(md).not.toContain('<script>');
  });
});
