/**
 * How deeply a JSON text nests arrays and objects, counted without parsing it: a body nested 20,000 deep
 * once overflowed the stack of the code that re-serialised it (a 500 instead of a 400). Callers refuse text
 * deeper than MAX_JSON_DEPTH before any recursive code sees it. Brackets inside strings do not count.
 */
export const MAX_JSON_DEPTH = 64;

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
