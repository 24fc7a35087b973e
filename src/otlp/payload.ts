import { gunzipSync, inflateSync } from 'node:zlib';
import { parseJsonText } from '../domain/json-depth.js';
import { err, ok, type Result } from '../domain/result.js';
import { decodeProtobuf, type Signal } from './proto.js';

export type Encoding = 'json' | 'protobuf';

/** Why a body could not be read: the HTTP status the receiver answers with, and the reason. */
export interface PayloadError {
  status: 400 | 413 | 415;
  message: string;
}

/** The OTLP/HTTP encoding named by a Content-Type (parameters such as charset ignored); null when unknown. */
export function encodingOf(contentType: string | undefined): Encoding | null {
  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mime === 'application/json') return 'json';
  if (mime === 'application/x-protobuf' || mime === 'application/protobuf') return 'protobuf';
  return null;
}

/** Undoes Content-Encoding (gzip or deflate), refusing bodies that inflate past `maxBytes`. */
export function decompress(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Result<Buffer, PayloadError> {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return ok(body);
  if (enc !== 'gzip' && enc !== 'deflate')
    return err({ status: 415, message: `unsupported Content-Encoding "${enc}" (use gzip or none)` });
  try {
    return ok(
      enc === 'gzip'
        ? gunzipSync(body, { maxOutputLength: maxBytes })
        : inflateSync(body, { maxOutputLength: maxBytes }),
    );
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      return err({ status: 413, message: `decompressed body larger than ${maxBytes} bytes` });
    return err({ status: 400, message: `body is not valid ${enc}` });
  }
}

/** The request document of one signal from the (decompressed) body. */
export function parseBody(signal: Signal, encoding: Encoding, body: Buffer): Result<unknown, PayloadError> {
  if (encoding === 'json') {
    // Depth-checked: the decoders walk attribute values (kvlistValue, arrayValue) recursively.
    const doc = parseJsonText(body.toString('utf8'));
    return doc.ok ? ok(doc.value) : err({ status: 400, message: `invalid JSON: ${doc.message}` });
  }
  try {
    return ok(decodeProtobuf(signal, body));
  } catch (cause) {
    return err({ status: 400, message: `invalid protobuf: ${(cause as Error).message}` });
  }
}
