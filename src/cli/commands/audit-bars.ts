import { existsSync } from 'node:fs';
import { loadQualityBars } from '../../audit/bar-file.js';
import { combineBars, type BarVersion, type CombinedBars, type StoredBar } from '../../audit/bar-versions.js';
import { validateBar } from '../../audit/bar-validate.js';
import { listStoredBars } from '../../audit/stored-bars.js';
import { MileageError } from '../../domain/errors.js';
import { findOrgFile } from '../../org/load.js';
import { resolveDbPath } from '../../store/open.js';
import { openContext, type GlobalOptions } from '../context.js';
import { orgFileInForce } from '../org-file-in-force.js';
import { apiGet, runningServer } from '../remote.js';
import type { ServerLock } from '../server-lock.js';

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
  const lock = runningServer(opts);
  if (lock) {
    // Without an org file here, the server's (the demo's, say) is the one in force.
    const versions = await serverVersions(lock);
    const fromFile = file
      ? await loadQualityBars(file)
      : versions.filter((v) => v.sources.includes('mileage.yaml')).map((v) => v.stored.bar);
    const stored = versions.filter((v) => v.sources.includes('api')).map((v) => v.stored);
    return { combined: combineBars(fromFile, stored), file };
  }
  if (!existsSync(resolveDbPath(opts.db, process.env, process.cwd()))) {
    return { combined: combineBars(file ? await loadQualityBars(file) : [], []), file };
  }
  const ctx = await openContext(opts);
  try {
    const inForce = file ?? (await orgFileInForce(ctx.db, ctx.directory));
    const fromFile = inForce ? await loadQualityBars(inForce) : [];
    return { combined: combineBars(fromFile, await listStoredBars(ctx.db)), file: inForce };
  } finally {
    await ctx.db.close();
  }
}

/** Every bar version the server holds, validated again on arrival. */
async function serverVersions(lock: ServerLock): Promise<{ sources: string[]; stored: StoredBar }[]> {
  const answer = (await apiGet(lock, 'quality-bars', {})) as {
    workflows: { versions: (Omit<BarVersion, 'writtenAt'> & { writtenAt: string | null })[] }[];
  };
  return answer.workflows.flatMap((w) =>
    w.versions.map((v) => {
      const checked = validateBar(v.bar);
      if (!checked.ok)
        throw new MileageError(
          'upstream',
          `the server answered an invalid bar: ${checked.error.field}: ${checked.error.message}`,
        );
      return {
        sources: v.sources,
        stored: { bar: checked.value, contentSha256: v.contentSha256, writtenAt: v.writtenAt ?? '' },
      };
    }),
  );
}
