/**
 * A few error classes with stable codes. The CLI maps codes to exit codes once (cli/exit-codes.ts) and the
 * server maps them to HTTP statuses once.
 */
export const ERROR_CODES = [
  'usage',
  'config',
  'input',
  'not_found',
  'conflict',
  'upstream',
  /** A feature the store in use does not have yet (the ledger on ClickHouse before it is built there). */
  'unsupported',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class MileageError extends Error {
  override readonly name: string = 'MileageError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user can do next; printed under the message. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A problem in a file the user gave us: always names the file, and the line and field when known. */
export class InputError extends MileageError {
  override readonly name = 'InputError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    problem: string,
    hint?: string,
  ) {
    super(
      'input',
      `${file}${line !== null ? `:${line}` : ''}${field ? ` (${field})` : ''}: ${problem}`,
      hint,
    );
  }
}
