/**
 * Reads the value a check compares out of a model's answer: the JSON in it (models wrap JSON in code fences
 * or a sentence, so the first parseable object or array is taken) followed along a small JSON path, or the
 * first capture group of a regex. `undefined` means nothing was found, which fails the check.
 */

/** The JSON value an answer carries, or undefined when it carries none. */
export function answerJson(text: string): unknown {
  const trimmed = text.trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed);
  for (const candidate of [trimmed, fenced?.[1]?.trim()]) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // not the whole answer: look for an embedded object below
    }
  }
  const start = trimmed.search(/[{[]/);
  const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
  if (start >= 0 && end > start) {
    try {
      return JSON.parse(trimmed.slice(start, end + 1)) as unknown;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `$.a.b[0]['c d']` → ['a', 'b', 0, 'c d']; throws on a path it cannot read, naming it. */
export function parseJsonPath(path: string): (string | number)[] {
  if (!path.startsWith('$')) throw new Error(`a JSON path starts with "$", got "${path}"`);
  const parts: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw new Error(`cannot read JSON path "${path}" at character ${re.lastIndex + 1}`);
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else parts.push((m[3] ?? m[4]) as string);
  }
  return parts;
}

export function followPath(value: unknown, parts: readonly (string | number)[]): unknown {
  let node = value;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

export interface Extractor {
  json_path?: string | undefined;
  regex?: string | undefined;
}

/** The value a check looks at: by JSON path, by regex, or the whole answer trimmed. */
export function extract(text: string, how: Extractor): unknown {
  if (how.json_path !== undefined) return followPath(answerJson(text), parseJsonPath(how.json_path));
  if (how.regex !== undefined) {
    const m = new RegExp(how.regex).exec(text);
    return m ? (m[1] ?? m[0]) : undefined;
  }
  return text.trim();
}

/** Loose equality for extracted values: 1 equals "1" (a model writes numbers either way), case kept for text. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  const text = (v: unknown): string =>
    typeof v === 'string'
      ? v.trim()
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);
  return text(a) === text(b);
}
