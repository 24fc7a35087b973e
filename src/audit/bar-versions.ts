import type { QualityBar } from './bar.js';
import { barContentHash } from './bar-content.js';

/** Where a bar version was written: the org file, or an admin's PUT through the API (kept in the store). */
export type BarSource = 'mileage.yaml' | 'api';

/** A bar an admin wrote through the API, as the store keeps it. */
export interface StoredBar {
  bar: QualityBar;
  contentSha256: string;
  writtenAt: string;
}

/** One version of a workflow's bar, with every place it is written (the same content may be in both). */
export interface BarVersion {
  bar: QualityBar;
  contentSha256: string;
  sources: BarSource[];
  /** When it was written through the API; null for a bar only in mileage.yaml. */
  writtenAt: string | null;
}

/** One version written twice with different content: no run may be scored against it until one is changed. */
export interface BarConflict {
  workflow: string;
  version: number;
  message: string;
}

export interface CombinedBars {
  versions: BarVersion[];
  conflicts: BarConflict[];
}

/**
 * mileage.yaml's bars and the API's, as one versioned list. Both write into one version sequence per
 * workflow, so "bar v4" means one bar wherever it was written: the same version in both with the same
 * content is one version (written in both places); with different content it is a conflict, reported, and
 * the workflow's bar is refused until one side gives its bar another version.
 */
export function combineBars(fromFile: readonly QualityBar[], stored: readonly StoredBar[]): CombinedBars {
  const byKey = new Map<string, BarVersion>();
  const conflicts: BarConflict[] = [];
  const keyOf = (b: QualityBar) => `${b.workflow}\u0000${b.version}`;
  for (const bar of fromFile) {
    byKey.set(keyOf(bar), {
      bar,
      contentSha256: barContentHash(bar),
      sources: ['mileage.yaml'],
      writtenAt: null,
    });
  }
  for (const s of stored) {
    const known = byKey.get(keyOf(s.bar));
    if (!known) {
      byKey.set(keyOf(s.bar), {
        bar: s.bar,
        contentSha256: s.contentSha256,
        sources: ['api'],
        writtenAt: s.writtenAt,
      });
    } else if (known.contentSha256 === s.contentSha256) {
      known.sources.push('api');
      known.writtenAt = s.writtenAt;
    } else {
      conflicts.push({
        workflow: s.bar.workflow,
        version: s.bar.version,
        message: `workflow ${s.bar.workflow} has two different bars version ${s.bar.version}, one in mileage.yaml and one written through the API: give the one in mileage.yaml the next version`,
      });
    }
  }
  const versions = [...byKey.values()].sort((a, b) =>
    a.bar.workflow === b.bar.workflow
      ? a.bar.version - b.bar.version
      : a.bar.workflow < b.bar.workflow
        ? -1
        : 1,
  );
  return { versions, conflicts };
}

/** A workflow's versions, oldest first. */
export function versionsOf(combined: CombinedBars, workflow: string): BarVersion[] {
  return combined.versions.filter((v) => v.bar.workflow === workflow);
}

/** The version a workflow's audits are scored against: its highest. */
export function currentVersion(combined: CombinedBars, workflow: string): BarVersion | null {
  return versionsOf(combined, workflow).at(-1) ?? null;
}

/**
 * The version a newly written bar gets: the current one when the content is identical (writing the same bar
 * again changes nothing), else the next after every version of the workflow, wherever written.
 */
export function versionFor(
  combined: CombinedBars,
  workflow: string,
  contentSha256: string,
): { version: number; changed: boolean } {
  const current = currentVersion(combined, workflow);
  if (current && current.contentSha256 === contentSha256)
    return { version: current.bar.version, changed: false };
  return { version: (current?.bar.version ?? 0) + 1, changed: true };
}
