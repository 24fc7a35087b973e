import type { Page } from 'playwright-core';

/** What is wrong with a chart's text as drawn: two labels on top of each other, or one cut off or covered. */
export interface LabelProblem {
  chart: string;
  kind: 'overlap' | 'clipped' | 'covered';
  label: string;
  other?: string;
}

/**
 * Reads every chart's text off the rendered page (the SVG the dashboard draws) and reports, from bounding
 * boxes: labels that overlap another label, labels that reach outside their SVG or its container (so part is
 * cut off), and labels a filled shape painted later (a bar, a band) sits on. A label ECharts chose not to
 * draw is not in the SVG, so only what a reader sees is judged. `slack` is the overlap in pixels tolerated
 * (glyph boxes include the line's leading).
 */
export async function chartLabelProblems(page: Page, slack = 1.5): Promise<LabelProblem[]> {
  return page.$$eval(
    'figure .chart',
    (charts, slackPx) => {
      type Box = { x: number; y: number; right: number; bottom: number };
      const box = (r: DOMRect): Box => ({ x: r.x, y: r.y, right: r.right, bottom: r.bottom });
      const overlap = (a: Box, b: Box) =>
        Math.min(a.right, b.right) - Math.max(a.x, b.x) > slackPx &&
        Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y) > slackPx;
      const painted = (e: Element): boolean => {
        for (let n: Element | null = e; n && n.tagName.toLowerCase() !== 'svg'; n = n.parentElement) {
          const s = getComputedStyle(n);
          if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false;
        }
        return true;
      };
      const filled = (e: Element): boolean => {
        const s = getComputedStyle(e);
        return (
          s.fill !== 'none' && !/rgba\([^)]*,\s*0\)/.test(s.fill) && Number(s.fillOpacity) > 0.3 && painted(e)
        );
      };
      const problems: { chart: string; kind: string; label: string; other?: string }[] = [];
      for (const chart of charts) {
        const name = chart.getAttribute('aria-label') ?? '(chart)';
        const svg = chart.querySelector('svg');
        if (!svg) continue;
        const frame = box(svg.getBoundingClientRect());
        const outer = box(chart.getBoundingClientRect());
        const limit: Box = {
          x: Math.max(frame.x, outer.x),
          y: Math.max(frame.y, outer.y),
          right: Math.min(frame.right, outer.right),
          bottom: Math.min(frame.bottom, outer.bottom),
        };
        const elements = [...svg.querySelectorAll('*')];
        const labels = elements
          .filter((e) => e.tagName.toLowerCase() === 'text' && (e.textContent ?? '').trim() !== '')
          .filter(painted)
          .map((e) => ({ e, text: (e.textContent ?? '').trim(), at: box(e.getBoundingClientRect()) }))
          .filter((l) => l.at.right > l.at.x && l.at.bottom > l.at.y);
        for (const [i, a] of labels.entries()) {
          if (
            a.at.x < limit.x - 0.5 ||
            a.at.y < limit.y - 0.5 ||
            a.at.right > limit.right + 0.5 ||
            a.at.bottom > limit.bottom + 0.5
          )
            problems.push({ chart: name, kind: 'clipped', label: a.text });
          for (const b of labels.slice(i + 1))
            if (overlap(a.at, b.at))
              problems.push({ chart: name, kind: 'overlap', label: a.text, other: b.text });
          // SVG paints in document order: a filled shape after the label covers it.
          const index = elements.indexOf(a.e);
          for (const shape of elements.slice(index + 1)) {
            const tag = shape.tagName.toLowerCase();
            if (!['path', 'rect', 'circle', 'polygon'].includes(tag) || !filled(shape)) continue;
            if (overlap(a.at, box(shape.getBoundingClientRect())))
              problems.push({ chart: name, kind: 'covered', label: a.text, other: tag });
          }
        }
      }
      return problems as LabelProblem[];
    },
    slack,
  );
}

/** The distinct fill colours of a calendar heatmap's day cells (the series' shapes, not the grid). */
export async function calendarColours(page: Page, chart: string): Promise<Map<string, number>> {
  const fills = await page.$$eval(`${chart} svg path, ${chart} svg rect`, (shapes) =>
    shapes.map((s) => getComputedStyle(s).fill),
  );
  const counts = new Map<string, number>();
  for (const f of fills) counts.set(f, (counts.get(f) ?? 0) + 1);
  return counts;
}
