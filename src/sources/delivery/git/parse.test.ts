import { describe, expect, it } from 'vitest';
import { countYoungLines } from './blame.js';
import { excludedPaths, globToRegExp } from './effective-paths.js';
import { parseCommitMessage, parseMergeMessage, revertOf, revertOfTitle } from './messages.js';
import { parseNumstatLine } from './numstat.js';
import { normaliseRemoteUrl } from './repo.js';

async function* feed(lines: string[]): AsyncGenerator<string> {
  for (const l of lines) yield await Promise.resolve(l);
}

describe('numstat lines', () => {
  it.each([
    ['3\t1\tsrc/a.ts', { path: 'src/a.ts', oldPath: null, additions: 3, deletions: 1, binary: false }],
    ['-\t-\tlogo.png', { path: 'logo.png', oldPath: null, additions: 0, deletions: 0, binary: true }],
    [
      '1\t1\tsrc/{app.ts => main.ts}',
      { path: 'src/main.ts', oldPath: 'src/app.ts', additions: 1, deletions: 1, binary: false },
    ],
    [
      '0\t0\t{old => new}/x.ts',
      { path: 'new/x.ts', oldPath: 'old/x.ts', additions: 0, deletions: 0, binary: false },
    ],
    [
      '0\t0\tsrc/{ => lib}/x.ts',
      { path: 'src/lib/x.ts', oldPath: 'src/x.ts', additions: 0, deletions: 0, binary: false },
    ],
    ['2\t0\ta.txt => b.txt', { path: 'b.txt', oldPath: 'a.txt', additions: 2, deletions: 0, binary: false }],
    [
      '1\t0\t"caf\\303\\251 \\"x\\".txt"',
      { path: 'café "x".txt', oldPath: null, additions: 1, deletions: 0, binary: false },
    ],
  ])('%s', (line, expected) => expect(parseNumstatLine(line)).toEqual(expected));

  it('ignores other lines', () => expect(parseNumstatLine('a1b2 commit header')).toBeNull());
});

describe('effective-line exclusions', () => {
  const excluded = excludedPaths();
  it.each([
    ['package-lock.json', true],
    ['web/package-lock.json', true],
    ['go.sum', true],
    ['vendor/github.com/x/y.go', true],
    ['node_modules/a/index.js', true],
    ['dist/app.js', true],
    ['public/jquery.min.js', true],
    ['src/api.generated.ts', true],
    ['proto/user_pb.go', true],
    ['proto/user.pb.cc', true],
    ['src/vendor.ts', false],
    ['src/dist/readme.md', false],
    ['src/app.ts', false],
  ])('%s → %s', (path, expected) => expect(excluded(path)).toBe(expected));

  it('reads globs the way .gitignore does', () => {
    expect(globToRegExp('*.lock').test('deep/dir/x.lock')).toBe(true);
    expect(globToRegExp('docs/*.md').test('docs/a/b.md')).toBe(false);
    expect(globToRegExp('docs/**/*.md').test('docs/b.md')).toBe(true);
    expect(globToRegExp('a?c').test('a/c')).toBe(false);
  });
});

describe('merge and commit messages', () => {
  it('GitHub merge: number, head branch after the owner, title from the body', () => {
    expect(parseMergeMessage('Merge pull request #418 from ana/feat/pdf\n\nInvoice PDF export')).toEqual({
      ref: '418',
      headBranch: 'feat/pdf',
      title: 'Invoice PDF export',
    });
  });
  it('GitLab merge request', () => {
    expect(
      parseMergeMessage(
        "Merge branch 'feat/pdf' into 'main'\n\nInvoice PDF\n\nSee merge request acme/billing!77",
      ),
    ).toEqual({ ref: '77', headBranch: 'feat/pdf', title: 'Invoice PDF' });
  });
  it('plain git merges', () => {
    expect(parseMergeMessage("Merge branch 'ab/topic'\n\n* ab/topic:\n  x: y")).toEqual({
      ref: null,
      headBranch: 'ab/topic',
      title: "Merge branch 'ab/topic'",
    });
    expect(parseMergeMessage("Merge remote-tracking branch 'origin/fix/x'").headBranch).toBe('fix/x');
  });
  it('squash suffix', () => {
    expect(parseCommitMessage('fix: handle empty list (#418)\n\nbody').ref).toBe('418');
    expect(parseCommitMessage('see issue (#418) later').ref).toBeNull();
  });
  it('reverts', () => {
    expect(revertOf('Revert "x"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.')).toBe(
      '0123456789abcdef0123456789abcdef01234567',
    );
    expect(revertOf('Revert "Add PDF export"')).toBe('"Add PDF export"');
    expect(revertOf('Reverting to the old API')).toBeNull();
  });

  it('reads the revert formats of GitHub squashes, GitHub revert PRs, GitLab and Conventional Commits', () => {
    // GitHub squash of a revert PR: the PR number is appended after the quoted title, no sha line.
    expect(revertOf('Revert "Add thing (#2)" (#4)')).toBe('"Add thing (#2)"');
    expect(revertOf('Revert "Add thing (#2)" (#4)\n\nReverts acme/app#2')).toBe('#2');
    expect(revertOf('Revert "Revert "Add thing (#2)" (#4)" (#5)')).toBe('"Revert "Add thing (#2)" (#4)"');
    // GitLab: the revert commit of an MR keeps git's sha line beside its footer.
    expect(
      revertOf(
        'Revert "Add export"\n\nThis reverts commit 89abcdef01234567.\n\nSee merge request acme/billing!12',
      ),
    ).toBe('89abcdef01234567');
    expect(revertOf('revert(api): drop v2 endpoint (#31)')).toBe('"drop v2 endpoint"');
    expect(revertOf('revert: "feat: x"')).toBe('"feat: x"');
    expect(revertOf('Fix revert button (#9)')).toBeNull();
    expect(revertOfTitle('Revert "x" (#4)')).toBe('"x"');
  });
});

describe('remote URLs', () => {
  it.each([
    ['git@github.com:acme/billing.git', 'github.com/acme/billing'],
    ['https://github.com/acme/billing', 'github.com/acme/billing'],
    ['https://token@GitHub.com/acme/billing.git/', 'github.com/acme/billing'],
    ['ssh://git@gitlab.example.com:2222/group/sub/proj.git', 'gitlab.example.com/group/sub/proj'],
    ['/srv/git/billing.git', null],
    ['file:///srv/git/billing.git', null],
  ])('%s', (url, expected) => expect(normaliseRemoteUrl(url)).toBe(expected));
});

describe('blame porcelain', () => {
  const young = 'a'.repeat(40);
  const old = 'b'.repeat(40);
  const edge = 'c'.repeat(40);
  it('counts lines by their commit, boundary commits as old', async () => {
    const out = [
      `${young} 1 1 2`,
      'author-time 2000',
      'filename x',
      '\tcontent',
      `${young} 2 2`,
      '\tcontent',
      `${old} 3 3 1`,
      'author-time 500',
      '\tcontent',
      `${edge} 9 4 1`,
      'author-time 3000',
      'boundary',
      '\tcontent',
    ];
    expect(await countYoungLines(feed(out), 1000)).toEqual({ lines: 4, young: 2 });
  });
});
