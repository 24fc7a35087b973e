/**
 * Which changed files count towards effective lines. Lockfiles, vendored and generated code change by the
 * thousand lines without anyone writing them, so they are excluded; binary files have no lines at all.
 * The list is configurable (`--exclude` on the CLI, `excludeGlobs` in code); these are the defaults.
 */
export const DEFAULT_EXCLUDED_GLOBS: readonly string[] = [
  // Lockfiles
  '**/package-lock.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/Cargo.lock',
  '**/go.sum',
  '**/poetry.lock',
  '**/Gemfile.lock',
  '**/composer.lock',
  // Vendored and installed code
  'vendor/**',
  'node_modules/**',
  'third_party/**',
  // Build output and generated code
  'dist/**',
  '**/*.min.js',
  '**/*.generated.*',
  '**/*_pb.go',
  '**/*.pb.*',
];

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/**
 * A glob as a regular expression over a repository-relative path with `/` separators: `**` matches any
 * number of whole folders (including none), `*` anything but `/`, `?` one character but `/`. A glob without
 * `/` matches the file name in any folder (`*.min.js` is `**\/*.min.js`), the way .gitignore reads it.
 */
export function globToRegExp(glob: string): RegExp {
  const pattern = glob.includes('/') ? glob.replace(/^\//, '') : `**/${glob}`;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      const slashAfter = pattern[i + 2] === '/';
      out += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`);
}

/** A predicate telling whether a path is excluded from effective lines. */
export function excludedPaths(globs: readonly string[] = DEFAULT_EXCLUDED_GLOBS): (path: string) => boolean {
  const patterns = globs.map(globToRegExp);
  return (path) => patterns.some((p) => p.test(path));
}
