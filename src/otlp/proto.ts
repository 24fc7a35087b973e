import protobuf from 'protobufjs';

/**
 * The OTLP protobuf messages Mileage reads, written out from the field numbers of the OTLP specification
 * (opentelemetry-proto v1.x: common, resource, metrics, logs, trace, and the collector service responses).
 * Only the fields a decoder uses are declared; protobuf skips unknown fields, as OTLP requires. Decoded
 * messages are turned into the JSON mapping's shape (lowerCamelCase, 64-bit integers as decimal strings,
 * enums as numbers) so one walker reads both encodings; ids stay bytes and are hex-encoded where read.
 */
type Fields = Record<string, { type: string; id: number; rule?: 'repeated' }>;
const msg = (fields: Fields, oneofs?: Record<string, { oneof: string[] }>) => ({ fields, oneofs });
const many = (type: string, id: number) => ({ type, id, rule: 'repeated' as const });

const DESCRIPTOR = {
  nested: {
    otlp: {
      nested: {
        AnyValue: msg(
          {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
          {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
        ),
        ArrayValue: msg({ values: many('AnyValue', 1) }),
        KeyValueList: msg({ values: many('KeyValue', 1) }),
        KeyValue: msg({ key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } }),
        InstrumentationScope: msg({
          name: { type: 'string', id: 1 },
          version: { type: 'string', id: 2 },
          attributes: many('KeyValue', 3),
        }),
        Resource: msg({ attributes: many('KeyValue', 1) }),

        ExportMetricsServiceRequest: msg({ resourceMetrics: many('ResourceMetrics', 1) }),
        ResourceMetrics: msg({
          resource: { type: 'Resource', id: 1 },
          scopeMetrics: many('ScopeMetrics', 2),
          schemaUrl: { type: 'string', id: 3 },
        }),
        ScopeMetrics: msg({
          scope: { type: 'InstrumentationScope', id: 1 },
          metrics: many('Metric', 2),
          schemaUrl: { type: 'string', id: 3 },
        }),
        Metric: msg(
          {
            name: { type: 'string', id: 1 },
            description: { type: 'string', id: 2 },
            unit: { type: 'string', id: 3 },
            gauge: { type: 'Gauge', id: 5 },
            sum: { type: 'Sum', id: 7 },
            histogram: { type: 'Histogram', id: 9 },
          },
          { data: { oneof: ['gauge', 'sum', 'histogram'] } },
        ),
        Gauge: msg({ dataPoints: many('NumberDataPoint', 1) }),
        Sum: msg({
          dataPoints: many('NumberDataPoint', 1),
          aggregationTemporality: { type: 'int32', id: 2 },
          isMonotonic: { type: 'bool', id: 3 },
        }),
        Histogram: msg({
          dataPoints: many('HistogramDataPoint', 1),
          aggregationTemporality: { type: 'int32', id: 2 },
        }),
        NumberDataPoint: msg(
          {
            attributes: many('KeyValue', 7),
            startTimeUnixNano: { type: 'fixed64', id: 2 },
            timeUnixNano: { type: 'fixed64', id: 3 },
            asDouble: { type: 'double', id: 4 },
            asInt: { type: 'sfixed64', id: 6 },
            flags: { type: 'uint32', id: 8 },
          },
          { value: { oneof: ['asDouble', 'asInt'] } },
        ),
        HistogramDataPoint: msg({
          attributes: many('KeyValue', 9),
          startTimeUnixNano: { type: 'fixed64', id: 2 },
          timeUnixNano: { type: 'fixed64', id: 3 },
          count: { type: 'fixed64', id: 4 },
          sum: { type: 'double', id: 5 },
        }),

        ExportLogsServiceRequest: msg({ resourceLogs: many('ResourceLogs', 1) }),
        ResourceLogs: msg({
          resource: { type: 'Resource', id: 1 },
          scopeLogs: many('ScopeLogs', 2),
          schemaUrl: { type: 'string', id: 3 },
        }),
        ScopeLogs: msg({
          scope: { type: 'InstrumentationScope', id: 1 },
          logRecords: many('LogRecord', 2),
          schemaUrl: { type: 'string', id: 3 },
        }),
        LogRecord: msg({
          timeUnixNano: { type: 'fixed64', id: 1 },
          observedTimeUnixNano: { type: 'fixed64', id: 11 },
          severityNumber: { type: 'int32', id: 2 },
          severityText: { type: 'string', id: 3 },
          body: { type: 'AnyValue', id: 5 },
          attributes: many('KeyValue', 6),
          flags: { type: 'fixed32', id: 8 },
          traceId: { type: 'bytes', id: 9 },
          spanId: { type: 'bytes', id: 10 },
          eventName: { type: 'string', id: 12 },
        }),

        ExportTraceServiceRequest: msg({ resourceSpans: many('ResourceSpans', 1) }),
        ResourceSpans: msg({
          resource: { type: 'Resource', id: 1 },
          scopeSpans: many('ScopeSpans', 2),
          schemaUrl: { type: 'string', id: 3 },
        }),
        ScopeSpans: msg({
          scope: { type: 'InstrumentationScope', id: 1 },
          spans: many('Span', 2),
          schemaUrl: { type: 'string', id: 3 },
        }),
        Span: msg({
          traceId: { type: 'bytes', id: 1 },
          spanId: { type: 'bytes', id: 2 },
          parentSpanId: { type: 'bytes', id: 4 },
          name: { type: 'string', id: 5 },
          kind: { type: 'int32', id: 6 },
          startTimeUnixNano: { type: 'fixed64', id: 7 },
          endTimeUnixNano: { type: 'fixed64', id: 8 },
          attributes: many('KeyValue', 9),
        }),

        // Responses: partial_success { rejected_<items> = 1, error_message = 2 }, and google.rpc.Status.
        ExportMetricsPartialSuccess: msg({
          rejectedDataPoints: { type: 'int64', id: 1 },
          errorMessage: { type: 'string', id: 2 },
        }),
        ExportMetricsServiceResponse: msg({ partialSuccess: { type: 'ExportMetricsPartialSuccess', id: 1 } }),
        ExportLogsPartialSuccess: msg({
          rejectedLogRecords: { type: 'int64', id: 1 },
          errorMessage: { type: 'string', id: 2 },
        }),
        ExportLogsServiceResponse: msg({ partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } }),
        ExportTracePartialSuccess: msg({
          rejectedSpans: { type: 'int64', id: 1 },
          errorMessage: { type: 'string', id: 2 },
        }),
        ExportTraceServiceResponse: msg({ partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } }),
        Status: msg({ code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } }),
      },
    },
  },
};

const root = protobuf.Root.fromJSON(DESCRIPTOR);
const type = (name: string) => root.lookupType(`otlp.${name}`);

export type Signal = 'metrics' | 'logs' | 'traces';

const REQUESTS = {
  metrics: type('ExportMetricsServiceRequest'),
  logs: type('ExportLogsServiceRequest'),
  traces: type('ExportTraceServiceRequest'),
} as const satisfies Record<Signal, protobuf.Type>;

const RESPONSES = {
  metrics: { type: type('ExportMetricsServiceResponse'), rejected: 'rejectedDataPoints' },
  logs: { type: type('ExportLogsServiceResponse'), rejected: 'rejectedLogRecords' },
  traces: { type: type('ExportTraceServiceResponse'), rejected: 'rejectedSpans' },
} as const satisfies Record<Signal, { type: protobuf.Type; rejected: string }>;

const STATUS = type('Status');

/** Decodes a protobuf request into the JSON mapping's shape. Throws on bytes that are not the message. */
export function decodeProtobuf(signal: Signal, bytes: Uint8Array): unknown {
  const t = REQUESTS[signal];
  return t.toObject(t.decode(bytes), { longs: String, enums: Number, defaults: false, oneofs: false });
}

/** The field that counts rejected items in a signal's partial_success. */
export function rejectedField(signal: Signal): string {
  return RESPONSES[signal].rejected;
}

export function encodeResponse(signal: Signal, rejected: number, errorMessage: string): Uint8Array {
  const r = RESPONSES[signal];
  const body =
    rejected > 0 || errorMessage ? { partialSuccess: { [r.rejected]: rejected, errorMessage } } : {};
  return r.type.encode(r.type.fromObject(body)).finish();
}

/** google.rpc.Status, the body of an OTLP error response in protobuf. */
export function encodeStatus(code: number, message: string): Uint8Array {
  return STATUS.encode(STATUS.fromObject({ code, message })).finish();
}

/** Encodes a request document (the JSON mapping's shape) as protobuf: what an exporter sends (tests, benches). */
export function encodeProtobuf(signal: Signal, doc: unknown): Uint8Array {
  const t = REQUESTS[signal];
  return t.encode(t.fromObject(doc as Record<string, unknown>)).finish();
}

/** Decodes a receiver's protobuf answer (Export*ServiceResponse) into the JSON mapping's shape. */
export function decodeResponse(signal: Signal, bytes: Uint8Array): unknown {
  const t = RESPONSES[signal].type;
  return t.toObject(t.decode(bytes), { longs: String, defaults: false });
}
