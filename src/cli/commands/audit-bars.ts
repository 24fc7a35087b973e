import { existsSync } from 'node:fs';
import { loadQualityBars } from '../../audit/bar-file.js';
import { combineBars, type BarVersion, type CombinedBars, type StoredBar } from '../../audit/bar-versions.js';
import { validateBar } from '../../audit/bar-validate.js';
import { listStoredBars } from '../../audit/stored-bars.js';
import { MileageError } from '../../domain/errors.js';
import { findOrgFile } from '../../org/load.js';
import { resolveDbPath } from '../../store/open.js';
import { openContext, type GlobalOptions } from '../context.js';
import { apiGet, runningServer } from '../remote.js';

/**
 * The quality bars an audit is scored against: mileage.yaml's and the ones written through the API
 * (PUT /api/v1/quality-bars/:workflow), combined by the same rule the server uses (audit/bar-versions.ts),
 * so a bar means the same version whichever way it was written. The API's bars are read from the store, or
 * from the server that owns it while one runs; a store that exists but cannot be read stops the command
 * rather than scoring against a different bar.
 */
export async function barsInForce(
  opts: GlobalOptions,
): Promise<{ combined: CombinedBars; file: string | null }> {
  const file = findOrgFile({ explicit: opts.config, cwd: process.cwd(), env: process.env });
  const fromFile = file ? await loadQualityBars(file) : [];
  return { combined: combineBars(fromFile, await apiWrittenBars(opts)), file };
}

async function apiWrittenBars(opts: GlobalOptions): Promise<StoredBar[]> {
  const lock = runningServer(opts);
  if (lock) {
    const answer = (await apiGet(lock, 'quality-bars', {})) as {
      workflows: { versions: (Omit<BarVersion, 'writtenAt'> & { writtenAt: string | null })[] }[];
    };
    return answer.workflows.flatMap((w) =>
      w.versions
        .filter((v) => v.sources.includes('api'))
        .map((v) => {
          const checked = validateBar(v.bar);
          if (!checked.ok)
            throw new MileageError(
              'upstream',
              `the server answered an invalid bar: ${checked.error.field}: ${checked.error.message}`,
            );
          return { bar: checked.value, contentSha256: v.contentSha256, writtenAt: v.writtenAt ?? '' };
        }),
    );
  }
  if (!existsSync(resolveDbPath(opts.db, process.env, process.cwd()))) return [];
  const ctx = await openContext(opts);
  try {
    return await listStoredBars(ctx.db);
  } finally {
    await ctx.db.close();
  }
}
