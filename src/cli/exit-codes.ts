import type { ErrorCode } from '../domain/errors.js';

/** The one place error codes become exit codes: 0 ok, 1 failure, 2 usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'usage':
      return EXIT.usage;
    case 'config':
    case 'input':
    case 'not_found':
    case 'conflict':
    case 'upstream':
    case 'unsupported':
    case 'internal':
      return EXIT.failure;
    default:
      code satisfies never;
      return EXIT.failure;
  }
}
