import { MileageError, type ErrorCode } from '../domain/errors.js';

/** The error codes of the JSON API: `{error:{code,message}}` with the matching status. */
export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'upstream'
  | 'not_implemented'
  | 'internal';

const STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  upstream: 502,
  not_implemented: 501,
  internal: 500,
} as const satisfies Record<ApiErrorCode, number>;

export function apiError(
  code: ApiErrorCode,
  message: string,
  headers: Record<string, string> = {},
  field?: string,
): Response {
  const error = field === undefined ? { code, message } : { code, message, field };
  return Response.json({ error }, { status: STATUS[code], headers });
}

/** Thrown inside a handler to answer with an API error (caught once, in app.ts). */
export class HttpError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** The request field at fault (`requirements.0.pass_rate`), for a client to point at. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The one place the domain's error codes become HTTP answers. */
function codeFor(code: ErrorCode): ApiErrorCode {
  switch (code) {
    case 'usage':
    case 'input':
      return 'bad_request';
    case 'not_found':
      return 'not_found';
    case 'conflict':
      return 'conflict';
    case 'upstream':
      return 'upstream';
    case 'unsupported':
      return 'not_implemented';
    case 'config':
    case 'internal':
      return 'internal';
    default:
      code satisfies never;
      return 'internal';
  }
}

/**
 * An error as an API answer. Expected errors say what was wrong; anything else is a bare 500 whose details
 * go to the server's log only, so no SQL, path or stack ever reaches a client.
 */
export function errorResponse(error: unknown, log: (e: unknown) => void): Response {
  if (error instanceof HttpError) return apiError(error.code, error.message, {}, error.field);
  if (error instanceof MileageError) {
    const code = codeFor(error.code);
    if (code !== 'internal') return apiError(code, error.message);
  }
  log(error);
  return apiError('internal', 'internal error');
}
