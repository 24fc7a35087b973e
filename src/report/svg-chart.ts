import { escapeHtml } from './html-escape.js';

/**
 * An inline SVG line chart with both axes drawn, ticked and titled: no script, no network, opens offline. A
 * line without axes shows a shape but not how much nor when; every value here can be read off the chart.
 */
export interface LineChart {
  title: string;
  /** What the vertical axis measures, with its unit ("AI spend per week, $"). */
  yTitle: string;
  /** What the horizontal axis is ("week starting"). */
  xTitle: string;
  /** One label per point (the week's Monday). */
  labels: string[];
  values: number[];
  /** A tick's text: "$1,200", "40". */
  format: (v: number) => string;
  colour: string;
}

const W = 560;
const H = 240;
const M = { left: 72, right: 16, top: 28, bottom: 52 };

/** A step of 1, 2 or 5 times a power of ten giving about `ticks` steps up to `max`. */
export function niceStep(max: number, ticks = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 5, 10].find((u) => u * power >= raw) ?? 10;
  return unit * power;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-10-19" → "Oct 19"; other labels as given. */
export function shortDay(day: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${MONTHS[Number(m[1]) - 1] ?? m[1]} ${Number(m[2])}` : day;
}

export function lineChart(c: LineChart): string {
  const e = escapeHtml;
  const n = c.values.length;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const step = niceStep(Math.max(...c.values, 0));
  const top = Math.max(step, Math.ceil(Math.max(...c.values, 0) / step) * step);
  const x = (i: number) => M.left + (n > 1 ? (i * plotW) / (n - 1) : plotW / 2);
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const f = (v: number) => v.toFixed(1);
  const yTicks: string[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    yTicks.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#e5e7eb"/>` +
        `<text x="${M.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${e(c.format(v))}</text>`,
    );
  }
  // About six dated ticks, always the first and the last week.
  const every = Math.max(1, Math.ceil(n / 6));
  const xTicks = c.labels
    .map((label, i) =>
      i % every === 0 || i === n - 1
        ? `<line x1="${f(x(i))}" x2="${f(x(i))}" y1="${M.top + plotH}" y2="${M.top + plotH + 4}" stroke="#6b7280"/>` +
          `<text x="${f(x(i))}" y="${M.top + plotH + 18}" text-anchor="middle">${e(shortDay(label))}</text>`
        : '',
    )
    .join('');
  const points = c.values.map((v, i) => `${f(x(i))},${f(y(v))}`).join(' ');
  const dots = c.values
    .map(
      (v, i) =>
        `<circle cx="${f(x(i))}" cy="${f(y(v))}" r="2.5" fill="${c.colour}"><title>${e(`${c.labels[i] ?? ''}: ${c.format(v)}`)}</title></circle>`,
    )
    .join('');
  const last = c.values[n - 1];
  const summary =
    n === 0
      ? 'no weeks of data'
      : `${n} weeks from ${c.labels[0] ?? ''} to ${c.labels[n - 1] ?? ''}; last week ${c.format(last ?? 0)}`;
  return `<figure class="chart"><svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${e(`${c.title}: ${summary}`)}" font-size="11" fill="#374151">
<text x="${M.left}" y="16" font-size="13" font-weight="600">${e(c.title)}</text>
${yTicks.join('\n')}
<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}" stroke="#6b7280"/>
<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#6b7280"/>
${xTicks}
<text x="${M.left + plotW / 2}" y="${H - 8}" text-anchor="middle">${e(c.xTitle)}</text>
<text transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${e(c.yTitle)}</text>
${n > 0 ? `<polyline fill="none" stroke="${c.colour}" stroke-width="2" points="${points}"/>${dots}` : ''}
</svg><figcaption>${e(`${c.title}: ${summary}.`)}</figcaption></figure>`;
}
