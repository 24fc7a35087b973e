/**
 * How an experiment figure is written in reasons and reports: a relative change as a signed percentage
 * ("+38.2%"), a figure in a metric's unit with the precision that unit needs (dollars to the cent, shares
 * as points, counts to two decimals).
 */
export function formatFigure(value: number, scale: 'relative' | 'absolute', unit: string): string {
  if (scale === 'relative') return `${signed(value * 100, 1)}%`;
  if (/^USD\b/.test(unit)) {
    const abs = Math.abs(value)
      .toFixed(2)
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${value < 0 ? '-' : ''}$${abs}`;
  }
  if (/^share\b/.test(unit)) return `${trim(value * 100, 1)} pts`;
  return trim(value, Math.abs(value) >= 100 ? 0 : 2);
}

/** A change in a metric's unit: signed. */
export function formatChange(value: number, scale: 'relative' | 'absolute', unit: string): string {
  const text = formatFigure(value, scale, unit);
  return value > 0 && !text.startsWith('+') ? `+${text}` : text;
}

function signed(v: number, places: number): string {
  const t = trim(v, places);
  return v > 0 ? `+${t}` : t;
}

function trim(v: number, places: number): string {
  const t = v.toFixed(places);
  return t === `-${(0).toFixed(places)}` ? (0).toFixed(places) : t;
}

/** A level (not a change) in a metric's unit: shares as percentages, money to the cent. */
export function formatLevel(value: number, unit: string): string {
  if (/^share\b/.test(unit)) return `${trim(value * 100, 1)}%`;
  return formatFigure(value, 'absolute', unit);
}
