import { combineBars, type CombinedBars } from '../../audit/bar-versions.js';
import { listStoredBars } from '../../audit/stored-bars.js';
import { InputError } from '../../domain/errors.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/**
 * The bars in force on this server: mileage.yaml's (read again on every call, so an edit is seen without a
 * restart, as `mileage audit run` would see it) and the ones written through the API. A broken quality_bars
 * section is a 409 that names the field, not the server's file path.
 */
export async function serverBars(deps: ServerDeps): Promise<CombinedBars> {
  let fromFile;
  try {
    fromFile = await deps.fileBars();
  } catch (error) {
    if (error instanceof InputError)
      throw new HttpError(
        'conflict',
        `the org file's quality_bars cannot be read${error.line !== null ? ` (line ${error.line})` : ''}: ${error.field ?? ''} ${error.message.replace(/^.*?: /, '')}`.trim(),
        error.field ?? undefined,
      );
    throw error;
  }
  return combineBars(fromFile, await listStoredBars(deps.db));
}
