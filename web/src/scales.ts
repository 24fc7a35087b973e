/**
 * Scales for charts that must stay readable when one value is far from the rest: quantile colour classes for
 * the calendar, and a robust measure of how far a point lies from the middle of a scatter. Pure functions.
 */

/** The q-quantile of ascending values, interpolated between order statistics (R's type 7, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const a = sorted[low] ?? NaN;
  const b = sorted[Math.min(low + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (at - low);
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** A value rounded to two significant digits, so that a legend reads "$18", not "$17.8312". */
export function twoDigits(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(2));
}

/**
 * Upper edges of `classes` colour classes holding about equal numbers of the values (quantiles), rounded to
 * two significant digits, without repeats: one spike lands in the top class instead of stretching a linear
 * scale so far that every other value gets the lightest colour. The last class is open above.
 */
export function quantileBreaks(values: readonly number[], classes: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const breaks: number[] = [];
  for (let i = 1; i < classes; i++) {
    const edge = twoDigits(quantile(sorted, i / classes));
    const last = breaks.at(-1);
    if (Number.isFinite(edge) && edge > (last ?? -Infinity) && edge > (sorted[0] ?? 0)) breaks.push(edge);
  }
  return breaks;
}

/**
 * How far each point lies from the medians of both coordinates, each axis measured in its interquartile range
 * (so that an axis in dollars and one in points weigh alike, and one extreme point does not stretch the unit).
 */
export function spreadFromCentre(points: readonly (readonly [number, number])[]): number[] {
  const scale = (axis: 0 | 1) => {
    const sorted = points.map((p) => p[axis]).sort((a, b) => a - b);
    const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    const range = (sorted.at(-1) ?? 0) - (sorted[0] ?? 0);
    return { centre: quantile(sorted, 0.5), unit: iqr > 0 ? iqr : range > 0 ? range : 1 };
  };
  const x = scale(0);
  const y = scale(1);
  return points.map((p) => Math.hypot((p[0] - x.centre) / x.unit, (p[1] - y.centre) / y.unit));
}

/**
 * The upper far-out fence (Tukey): the third quartile plus three interquartile ranges, rounded to two
 * significant digits. A value above it is far above the rest, whatever the shape of the rest.
 */
export function farOutFence(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  return twoDigits(q3 + 3 * (q3 - q1));
}
