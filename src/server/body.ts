import type { IncomingMessage } from 'node:http';
import { err, ok, type Result } from '../domain/result.js';

/**
 * A request body, refused with 413 past `maxBytes` (as declared by Content-Length, or as it arrives when
 * the body is chunked). Chunked bodies are fine: some agent versions send them.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Result<Buffer, { status: 400 | 413; message: string }>> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve(
      err({ status: 413, message: `body of ${declared} bytes exceeds the ${maxBytes}-byte limit` }),
    );
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        chunks.length = 0;
        resolve(err({ status: 413, message: `body exceeds the ${maxBytes}-byte limit` }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(ok(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    });
    req.on('error', (cause) => {
      if (done) return;
      done = true;
      resolve(err({ status: 400, message: `request aborted: ${cause.message}` }));
    });
  });
}
