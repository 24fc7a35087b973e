import { gitLines } from './run-git.js';

/** Lines blamed, and how many of them a commit authored at or after `youngSince` introduced. */
export interface BlameCount {
  lines: number;
  young: number;
}

/**
 * Counts young lines in `git blame --porcelain` output. Each blamed line is a header `<sha> <orig> <final>
 * [<n>]`, the commit's details the first time it appears (`author-time`, `boundary`), then the content
 * after a tab (skipped, never kept). Lines blamed on a boundary commit — where a `--since` walk stopped —
 * are old by construction.
 */
export async function countYoungLines(lines: AsyncIterable<string>, youngSince: number): Promise<BlameCount> {
  const authorTime = new Map<string, number>();
  const boundary = new Set<string>();
  const count: BlameCount = { lines: 0, young: 0 };
  let sha = '';
  for await (const line of lines) {
    if (line.startsWith('\t')) {
      count.lines += 1;
      if (!boundary.has(sha) && (authorTime.get(sha) ?? 0) >= youngSince) count.young += 1;
      continue;
    }
    const header = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) \d+ \d+/.exec(line);
    if (header) sha = header[1] ?? '';
    else if (line.startsWith('author-time ')) authorTime.set(sha, Number(line.slice(12)));
    else if (line === 'boundary') boundary.add(sha);
  }
  return count;
}

/**
 * Blames the given ranges of `path` as of `rev`, walking history back only to `youngSince` (seconds): older
 * lines are all the same to the rework rule, and a bounded walk keeps blame fast on long histories.
 */
export function blameRanges(
  repo: string,
  rev: string,
  path: string,
  ranges: readonly [number, number][],
  youngSince: number,
): Promise<BlameCount> {
  const args = [
    'blame',
    '--porcelain',
    // Without --root a root commit is a boundary, so lines of a repository's first commit would count as old.
    '--root',
    `--since=@${youngSince}`,
    ...ranges.flatMap(([start, n]) => ['-L', `${start},+${n}`]),
    rev,
    '--',
    path,
  ];
  return countYoungLines(gitLines(repo, args), youngSince);
}
