export { CumulativeSeries } from './cumulative.js';
export type { Decoded } from './decoded.js';
export { MalformedPayload } from './envelope.js';
export { decodeLogs } from './logs.js';
export { decodeMetrics } from './metrics.js';
export { decompress, encodingOf, parseBody, type Encoding, type PayloadError } from './payload.js';
export { encodeResponse, encodeStatus, rejectedField, type Signal } from './proto.js';
export { keepEventSessions, metricSessions } from './session-rule.js';
export { decodeSpans } from './spans.js';
