/**
 * Whether the price catalog holds a newer model of the same family than one an audit tried: then the
 * audit's verdict says nothing about it, and the plan suggests a re-audit. A family is the model id without
 * its version (`claude-haiku-4-5` → `claude-haiku`, version 4.5); dated snapshots (`…-20251001`) are the
 * same version as their alias and never count as newer.
 */
export interface ModelVersion {
  family: string;
  version: number[];
}

const VERSIONED = /^(.*?[a-z])-(\d{1,2}(?:[-.]\d{1,2})*)$/;
const DATED = /-\d{8}$/;

export function modelVersion(model: string): ModelVersion | null {
  const id = model.toLowerCase().replace(DATED, '');
  const m = VERSIONED.exec(id);
  if (!m?.[1] || !m[2]) return null;
  return { family: m[1], version: m[2].split(/[-.]/).map(Number) };
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The newest catalog model of `audited`'s family newer than it, or null. */
export function newerInFamily(audited: string, catalog: readonly string[]): string | null {
  const base = modelVersion(audited);
  if (!base) return null;
  let best: { model: string; version: number[] } | null = null;
  for (const model of catalog) {
    if (DATED.test(model)) continue;
    const v = modelVersion(model);
    if (!v || v.family !== base.family || compareVersions(v.version, base.version) <= 0) continue;
    if (!best || compareVersions(v.version, best.version) > 0) best = { model, version: v.version };
  }
  return best?.model ?? null;
}
