/**
 * How deeply a JSON text nests arrays and objects, counted without parsing it: a body nested 20,000 deep
 * once overflowed the stack of the code that re-serialised it (a 500 instead of a 400). Callers refuse text
 * deeper than MAX_JSON_DEPTH before any recursive code sees it. Brackets inside strings do not count.
 */
export const MAX_JSON_DEPTH = 64;
/** Documents Mileage reads whole (API pages, vendor responses): deeper than bodies, still far from a stack overflow. */
export const MAX_DOCUMENT_DEPTH = 512;

export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * The one way a request body (or any untrusted JSON text) is parsed: refused past `maxDepth` before any
 * recursive code sees it, else JSON.parse. The error says why, for a 400 answer.
 */
export function parseJsonText(
  text: string,
  maxDepth: number = MAX_JSON_DEPTH,
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (jsonDepth(text) > maxDepth)
    return { ok: false, message: `the JSON is nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: `not JSON (${(e as Error).message.slice(0, 200)})` };
  }
}
