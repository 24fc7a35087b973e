import { describe, expect, it } from 'vitest';
import type { QualityBar } from './bar.js';
import { barContentHash } from './bar-content.js';
import { combineBars, currentVersion, versionFor, type StoredBar } from './bar-versions.js';
import { validateBar } from './bar-validate.js';

const bar = (version: number, passRate = 0.95, workflow = 'triage'): QualityBar => {
  const checked = validateBar({
    workflow,
    version,
    requirements: [{ name: 'same label', pass_rate: passRate, checks: [{ kind: 'contains', text: 'ok' }] }],
  });
  if (!checked.ok) throw new Error(checked.error.message);
  return checked.value;
};
const stored = (b: QualityBar): StoredBar => ({
  bar: b,
  contentSha256: barContentHash(b),
  writtenAt: '2026-11-01 00:00:00+00',
});

describe('quality bar versions across mileage.yaml and the API', () => {
  it('hashes content without the version, key order or defaults', () => {
    expect(barContentHash(bar(1))).toBe(barContentHash(bar(7)));
    expect(barContentHash(bar(1))).not.toBe(barContentHash(bar(1, 0.96)));
    const reordered = validateBar({
      requirements: [{ checks: [{ text: 'ok', kind: 'contains' }], pass_rate: 0.95, name: 'same label' }],
      trials: 1,
      version: 3,
      workflow: 'triage',
    });
    expect(reordered.ok && barContentHash(reordered.value)).toBe(barContentHash(bar(1)));
  });

  it('combines both places into one sequence; the same version twice is one version when identical', () => {
    const combined = combineBars([bar(1), bar(2, 0.9)], [stored(bar(2, 0.9)), stored(bar(3, 0.97))]);
    expect(combined.conflicts).toEqual([]);
    expect(combined.versions.map((v) => [v.bar.version, v.sources])).toEqual([
      [1, ['mileage.yaml']],
      [2, ['mileage.yaml', 'api']],
      [3, ['api']],
    ]);
    expect(currentVersion(combined, 'triage')?.bar.version).toBe(3);
    expect(currentVersion(combined, 'other')).toBeNull();
  });

  it('reports one version written twice with different content as a conflict', () => {
    const combined = combineBars([bar(2, 0.9)], [stored(bar(2, 0.99))]);
    expect(combined.conflicts).toHaveLength(1);
    expect(combined.conflicts[0]).toMatchObject({ workflow: 'triage', version: 2 });
  });

  it('keeps the version of an identical bar and gives a changed one the next after every version', () => {
    const combined = combineBars([bar(3)], [stored(bar(1, 0.5))]);
    expect(versionFor(combined, 'triage', barContentHash(bar(9)))).toEqual({ version: 3, changed: false });
    // Identical to an older version is still a change from the current one.
    expect(versionFor(combined, 'triage', barContentHash(bar(1, 0.5)))).toEqual({
      version: 4,
      changed: true,
    });
    expect(versionFor(combined, 'new-workflow', barContentHash(bar(1, 0.5, 'new-workflow')))).toEqual({
      version: 1,
      changed: true,
    });
  });
});
