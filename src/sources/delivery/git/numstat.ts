/** One line of `git diff --numstat`: `-` counts mean a binary file. */
export interface FileChange {
  /** The path after the change (a renamed file counts once, under its new name). */
  path: string;
  /** The path before the change, when it was renamed or copied. */
  oldPath: string | null;
  additions: number;
  deletions: number;
  binary: boolean;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  r: '\r',
  v: '\v',
};

/**
 * Undoes git's C-style quoting of unusual paths (`"caf\303\251.txt"`); octal escapes are UTF-8 bytes.
 * Unquoted paths come back unchanged.
 */
export function unquotePath(text: string): string {
  if (!(text.length >= 2 && text.startsWith('"') && text.endsWith('"'))) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(ESCAPES[next] ?? next, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The two sides of a numstat path: `src/{old => new}/a.ts`, `{a => b}`, `old.ts => new.ts`, or a plain path.
 * Empty sides of braces collapse their slash: `src/{ => lib}/a.ts` is `src/a.ts` → `src/lib/a.ts`.
 */
export function renamePaths(field: string): { oldPath: string | null; path: string } {
  const brace = /^(.*)\{(.*) => (.*)\}(.*)$/.exec(field);
  if (brace) {
    const [, pre = '', from = '', to = '', post = ''] = brace;
    const join = (mid: string) => `${pre}${mid}${post}`.replace(/\/\//g, '/');
    return { oldPath: unquotePath(join(from)), path: unquotePath(join(to)) };
  }
  const arrow = field.indexOf(' => ');
  if (arrow >= 0)
    return { oldPath: unquotePath(field.slice(0, arrow)), path: unquotePath(field.slice(arrow + 4)) };
  return { oldPath: null, path: unquotePath(field) };
}

/** Parses `12\t3\tpath` or `-\t-\tpath` (binary); anything else is not a numstat line. */
export function parseNumstatLine(line: string): FileChange | null {
  const m = /^(\d+|-)\t(\d+|-)\t(.+)$/.exec(line);
  if (!m) return null;
  const [, add = '', del = '', field = ''] = m;
  const binary = add === '-' || del === '-';
  return {
    ...renamePaths(field),
    additions: binary ? 0 : Number(add),
    deletions: binary ? 0 : Number(del),
    binary,
  };
}
