import type { FlatSpan, OtlpKeyValue, OtlpLine } from './schema.js';

/** A span in one shape whichever line shape it came from. */
export interface Span {
  traceId: string;
  spanId: string;
  name: string;
  start: Date;
  end: Date;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  /** JSON path of the span in its line, for problems (`""` for a span line, `resourceSpans[0]…` in OTLP). */
  path: string;
}

export function fromFlat(s: FlatSpan): Span {
  const start = fromHrTime(s.startTime);
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name ?? '',
    start,
    end: s.endTime ? fromHrTime(s.endTime) : start,
    attributes: s.attributes,
    resource: s.resource?.attributes ?? {},
    path: '',
  };
}

export function fromOtlp(line: OtlpLine): Span[] {
  const spans: Span[] = [];
  line.resourceSpans.forEach((rs, r) => {
    const resource = decodeAttributes(rs.resource?.attributes ?? []);
    rs.scopeSpans.forEach((ss, s) => {
      ss.spans.forEach((span, i) => {
        const start = fromUnixNano(span.startTimeUnixNano);
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          name: span.name ?? '',
          start,
          end: span.endTimeUnixNano === undefined ? start : fromUnixNano(span.endTimeUnixNano),
          attributes: decodeAttributes(span.attributes),
          resource,
          path: `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`,
        });
      });
    });
  });
  return spans;
}

function fromHrTime([seconds, nanos]: [number, number]): Date {
  return new Date(seconds * 1000 + Math.floor(nanos / 1_000_000));
}

/** Millisecond precision is all a record keeps; the float rounding of 19-digit nanoseconds stays below it. */
function fromUnixNano(value: string | number): Date {
  return new Date(Math.floor(Number(value) / 1_000_000));
}

/** OTLP typed values to plain ones (`{intValue:"42"}` → "42": token readers accept numeric strings). */
function decodeAttributes(list: readonly OtlpKeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list) out[key] = value ? decodeValue(value) : undefined;
  return out;
}

function decodeValue(v: Record<string, unknown>): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return v.intValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) {
    const values = (v.arrayValue as { values?: unknown } | null)?.values;
    if (!Array.isArray(values)) return [];
    return (values as unknown[]).map((x) =>
      typeof x === 'object' && x !== null ? decodeValue(x as Record<string, unknown>) : x,
    );
  }
  return undefined;
}
