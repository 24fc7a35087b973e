import { err, ok, type Result } from '../domain/result.js';

export interface BodyError {
  status: 400 | 413;
  message: string;
}

/**
 * A request body, refused with 413 past `maxBytes` (as declared by Content-Length, or as it arrives when
 * the body is chunked: some agent versions send chunked bodies). Reading stops at the limit, so an
 * oversized body is never held in memory whole.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Result<Buffer, BodyError>> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return err({ status: 413, message: `body of ${declared} bytes exceeds the ${maxBytes}-byte limit` });
  }
  if (!request.body) return ok(Buffer.alloc(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return err({ status: 413, message: `body exceeds the ${maxBytes}-byte limit` });
      }
      chunks.push(value);
    }
  } catch (cause) {
    return err({ status: 400, message: `request aborted: ${(cause as Error).message}` });
  }
  return ok(chunks.length === 1 ? Buffer.from(chunks[0] as Uint8Array) : Buffer.concat(chunks, size));
}
