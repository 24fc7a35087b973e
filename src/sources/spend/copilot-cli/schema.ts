import { z } from 'zod';

/**
 * A time as the OpenTelemetry JS SDK holds it (`HrTime`, `[seconds, nanoseconds]`, which its file
 * exporters serialise as is), or epoch nanoseconds as OTLP/JSON writes them (a decimal string or number).
 */
const hrTime = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const unixNano = z.union([z.string().regex(/^\d+$/, 'expected epoch nanoseconds'), z.number().nonnegative()]);

/**
 * One finished span per line, as Copilot CLI's file exporter writes it (`COPILOT_OTEL_EXPORTER_TYPE=file`;
 * reference §2.4): the SDK's ReadableSpan serialised, with flat `attributes`. Lines of other signals
 * (`type: "metric"`, `"log"`) are not spans and are skipped before this schema.
 */
export const flatSpanSchema = z.object({
  type: z.literal('span').optional(),
  /** With spanId, the span's identity: the record id. */
  traceId: z.string().min(1),
  spanId: z.string().min(1),
  name: z.string().optional(),
  startTime: hrTime,
  endTime: hrTime.optional(),
  /** Flat `gen_ai.*` attributes: token counts, models, provider, conversation id. */
  attributes: z.record(z.string(), z.unknown()),
  /** Resource attributes: `service.version` (the CLI build), sometimes `session.id`. */
  resource: z.object({ attributes: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export type FlatSpan = z.infer<typeof flatSpanSchema>;

/** OTLP/JSON `KeyValue` (reference §3.4): typed values, 64-bit integers as decimal strings. */
const keyValue = z.object({ key: z.string(), value: z.record(z.string(), z.unknown()).optional() });

const otlpSpan = z.object({
  traceId: z.string().min(1),
  spanId: z.string().min(1),
  name: z.string().optional(),
  startTimeUnixNano: unixNano,
  endTimeUnixNano: unixNano.optional(),
  attributes: z.array(keyValue).default([]),
});

/** An `ExportTraceServiceRequest` per line, as an OTLP/JSON file exporter (or a collector's) writes it. */
export const otlpLineSchema = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(keyValue).default([]) }).optional(),
      scopeSpans: z.array(z.object({ spans: z.array(otlpSpan).default([]) })).default([]),
    }),
  ),
});

export type OtlpLine = z.infer<typeof otlpLineSchema>;
export type OtlpKeyValue = z.infer<typeof keyValue>;
