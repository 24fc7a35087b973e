import { createHash } from 'node:crypto';
import type { QualityBar } from './bar.js';

/** JSON with object keys sorted at every level: the same bar always writes the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What a bar says, without the version it was given: two bars with the same content are the same bar (a PUT
 * of what is already written keeps its version; mileage.yaml and the store may not give one version two
 * meanings). Compared after parsing, so defaults (trials: 1) and key order do not make a change.
 */
export function barContentHash(bar: QualityBar): string {
  const { version: _version, ...content } = bar;
  return createHash('sha256').update(canonical(content)).digest('hex');
}
