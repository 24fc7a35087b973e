/**
 * Levenshtein distance (insertions, deletions, substitutions), two rows of memory. Model ids are short, so
 * the quadratic cost is a few microseconds per pair; written here rather than adding a dependency for it.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/** Parts of a model id that say which snapshot or deployment, not which model: dates, Bedrock versions,
 * Vertex `@` suffixes, `[1m]` markers. Left out when comparing names so that a new snapshot of a known
 * model is near it. */
function comparable(id: string): string {
  return id
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '')
    .replace(/@.*$/, '')
    .replace(/-v\d+(:\d+)?$/, '')
    .replace(/-(20\d{6}|20\d{2}-\d{2}-\d{2})$/, '');
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Up to `limit` candidates closest to `target`, closest first. A candidate qualifies when at most 2 edits
 * away or at least half its characters agree; beyond that a "suggestion" is noise. Ties go to the longer
 * shared prefix (same family), then to the later id, which is usually the newer version
 * (`claude-sonnet-4-7` → `claude-sonnet-4-6` before `claude-sonnet-4-0`).
 */
export function nearestIds(target: string, candidates: Iterable<string>, limit = 3): string[] {
  const t = comparable(target);
  const scored: { id: string; distance: number; prefix: number }[] = [];
  for (const id of candidates) {
    const c = comparable(id);
    const distance = editDistance(t, c);
    const similarity = 1 - distance / Math.max(t.length, c.length, 1);
    if (distance <= 2 || similarity >= 0.5) scored.push({ id, distance, prefix: commonPrefix(t, c) });
  }
  scored.sort((x, y) => x.distance - y.distance || y.prefix - x.prefix || y.id.localeCompare(x.id));
  return scored.slice(0, limit).map((s) => s.id);
}
