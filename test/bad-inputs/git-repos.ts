import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MileageError } from '../../src/domain/errors.js';
import { ingestGit } from '../../src/ingest/git.js';
import { openStore } from '../../src/store/open.js';
import { lines, ScriptedRepo, type Who } from '../git-repo.js';
import { judge, storeStillWorks, type Expect, type Measured, type Observation } from './measure.js';

/**
 * `ingest git` on broken or odd repositories, each scripted with plain git in a temp folder. A case builds
 * GOOD_UNITS good merged PRs around its one odd thing and names the documented outcome: the odd unit
 * skipped with its commit named (`rejected`, field `commit …`), the repository refused with a reason, or
 * accepted (the odd unit stored beside the good ones). Every repository goes into one store, which must
 * still ingest and report afterwards.
 */
interface GitCase {
  id: string;
  /** Builds the repository; returns the folder to ingest (default the repository's) and the good units. */
  build: (repo: ScriptedRepo) => { path?: string; good: number } | void;
  expect: Expect;
}

const FORGE: Who = { name: 'GitHub', email: 'noreply@github.com' };
const GOOD_UNITS = 2;

/** A squash-merged PR `#n` adding one file. */
function pr(repo: ScriptedRepo, n: number, day: number): string {
  repo.write(`src/f${n}.ts`, lines(`f${n}`, 5));
  return repo.commit(`feat: ${n} (#${n})`, day, { committer: FORGE });
}

/**
 * A good PR, the odd one made by `odd`, then a good PR on top of it; `odd` may return damage done once
 * every commit is written (a deleted object would stop git from writing the next one).
 */
function around(repo: ScriptedRepo, odd: () => unknown): void {
  pr(repo, 1, 0);
  const damage = odd();
  pr(repo, 3, 3);
  if (typeof damage === 'function') (damage as () => void)();
}

function objectPath(repo: ScriptedRepo, sha: string): string {
  return join(repo.dir, '.git', 'objects', sha.slice(0, 2), sha.slice(2));
}

/** Writes a commit object byte for byte (git's own checks skipped) and moves main to it. */
function literalCommit(repo: ScriptedRepo, body: Buffer): string {
  const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], {
    cwd: repo.dir,
    input: body,
    encoding: 'utf8',
  }).trim();
  repo.git(['update-ref', 'refs/heads/main', sha]);
  repo.git(['reset', '-q', '--hard', sha]);
  return sha;
}

/** A commit whose header lines are given, on top of HEAD's tree and parent. */
function rawCommit(repo: ScriptedRepo, header: string, message: Buffer | string): string {
  repo.write('src/raw.ts', lines('raw', 5));
  const tree = repo.git(['write-tree']);
  const parent = repo.git(['rev-parse', 'HEAD']);
  const head = `tree ${tree}\nparent ${parent}\n${header}\n\n`;
  return literalCommit(repo, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(message)]));
}

const T = 1767603600; // 2026-01-05T09:00:00Z, day 0 of scripted repositories
const who = (name: string, at = T + 2 * 86_400) => `${name} ${at} +0000`;

const skipped: Expect = { outcome: 'rejected', field: 'commit' };
const accepted: Expect = { outcome: 'accepted' };
const refused = (reason: RegExp): Expect => ({ outcome: 'refused', reason });

export const GIT_CASES: GitCase[] = [
  { id: 'a plain repository', build: (r) => around(r, () => pr(r, 2, 2)), expect: accepted },
  {
    id: 'a blob of one unit missing (loose object deleted)',
    build: (r) =>
      around(r, () => {
        const sha = pr(r, 2, 2);
        const blob = r.git(['rev-parse', `${sha}:src/f2.ts`]);
        return () => {
          rmSync(objectPath(r, blob));
          writeFileSync(join(r.dir, 'src', 'f2.ts'), 'edited\n');
        };
      }),
    expect: skipped,
  },
  {
    id: 'a blob of one unit corrupt (garbage in the loose object)',
    build: (r) =>
      around(r, () => {
        const sha = pr(r, 2, 2);
        const path = objectPath(r, r.git(['rev-parse', `${sha}:src/f2.ts`]));
        return () => {
          rmSync(path, { force: true });
          writeFileSync(path, Buffer.from([0x78, 0x9c, 1, 2, 3, 4, 5, 6, 7]));
          writeFileSync(join(r.dir, 'src', 'f2.ts'), 'edited\n');
        };
      }),
    expect: skipped,
  },
  {
    id: 'a tree of one unit missing (the next unit needs it too)',
    build: (r) => {
      around(r, () => {
        const sha = pr(r, 2, 2);
        const tree = r.git(['rev-parse', `${sha}:src`]);
        return () => rmSync(objectPath(r, tree));
      });
      // The next unit's diff reads its parent's tree too, so it is skipped as well: one good unit is left.
      return { good: 1 };
    },
    expect: skipped,
  },
  {
    id: 'author name in ISO-8859-1 (encoding header)',
    build: (r) =>
      around(r, () =>
        rawCommit(
          r,
          `author ${who('Jos\xe9 M\xfcller <jose@example.com>')}\ncommitter ${who('GitHub <noreply@github.com>')}\nencoding ISO-8859-1`,
          Buffer.from('feat: caf\xe9 (#2)\n', 'latin1'),
        ),
      ),
    expect: accepted,
  },
  {
    id: 'non-UTF-8 bytes in author and message, no encoding header',
    build: (r) =>
      around(r, () =>
        rawCommit(
          r,
          `author ${who('Bad\xff\xfe Name <bad@example.com>')}\ncommitter ${who('GitHub <noreply@github.com>')}`,
          Buffer.from([...Buffer.from('feat: bytes '), 0xc3, 0x28, 0xff, ...Buffer.from(' (#2)\n')]),
        ),
      ),
    expect: accepted,
  },
  {
    id: 'a NUL byte in the message',
    build: (r) =>
      around(r, () =>
        rawCommit(
          r,
          `author ${who('Ana <ana@example.com>')}\ncommitter ${who('GitHub <noreply@github.com>')}`,
          Buffer.from('feat: nul\u0000 here (#2)\n'),
        ),
      ),
    expect: accepted,
  },
  {
    id: 'an author line without a date',
    build: (r) =>
      around(r, () =>
        rawCommit(
          r,
          `author Ana <ana@example.com>\ncommitter ${who('GitHub <noreply@github.com>')}`,
          'feat: no date (#2)\n',
        ),
      ),
    expect: accepted,
  },
  {
    id: 'an empty author email and a time zone of +9999',
    build: (r) =>
      around(r, () =>
        rawCommit(
          r,
          `author Ana <> ${T + 2 * 86_400} +9999\ncommitter GitHub <noreply@github.com> ${T + 2 * 86_400} +9999`,
          'feat: odd zone (#2)\n',
        ),
      ),
    expect: accepted,
  },
  {
    id: 'a 1 MB commit message',
    build: (r) =>
      around(r, () => {
        r.write('src/f2.ts', lines('f2', 5));
        // (passed as a file: 1 MB is more than one argument may hold)
        const message = join(r.dir, '.git', 'BIG_MESSAGE');
        writeFileSync(message, `feat: big (#2)\n\n${'long line of text\n'.repeat(60_000)}`);
        r.git(['commit', '-q', '-F', message]);
      }),
    expect: accepted,
  },
  {
    id: 'an empty commit message',
    build: (r) =>
      around(r, () => {
        r.write('src/f2.ts', lines('f2', 5));
        r.git(['commit', '-q', '--allow-empty-message', '-m', '']);
      }),
    expect: accepted,
  },
  {
    id: 'author date @0 (1970)',
    build: (r) =>
      around(r, () => {
        r.write('src/f2.ts', lines('f2', 5));
        r.git(['commit', '-q', '-m', 'feat: epoch (#2)'], {
          GIT_AUTHOR_DATE: '@0 +0000',
          GIT_COMMITTER_DATE: '@0 +0000',
        });
      }),
    expect: { outcome: 'rejected', field: null },
  },
  {
    id: 'commit dated in 2200',
    build: (r) =>
      around(r, () => {
        r.write('src/f2.ts', lines('f2', 5));
        r.git(['commit', '-q', '-m', 'feat: future (#2)'], {
          GIT_AUTHOR_DATE: '@7258118400 +0000',
          GIT_COMMITTER_DATE: '@7258118400 +0000',
        });
      }),
    expect: { outcome: 'rejected', field: null },
  },
  {
    id: 'author date 1970, committed now (a wrong author clock)',
    build: (r) =>
      around(r, () => {
        r.write('src/f2.ts', lines('f2', 5));
        r.git(['commit', '-q', '-m', 'feat: old author (#2)'], {
          GIT_AUTHOR_DATE: '@0 +0000',
          GIT_COMMITTER_DATE: `@${T + 2 * 86_400} +0000`,
        });
      }),
    expect: accepted,
  },
  {
    id: 'a merge with 3 parents (octopus)',
    build: (r) =>
      around(r, () => {
        for (const b of ['a', 'b']) {
          r.git(['checkout', '-q', '-b', `feat/${b}`, 'main']);
          r.write(`src/${b}.ts`, lines(b, 5));
          r.commit(`feat: ${b}`, 1.5);
        }
        r.git(['checkout', '-q', 'main']);
        r.git([
          'merge',
          '-q',
          '--no-ff',
          '-m',
          'Merge pull request #2 from acme/octopus',
          'feat/a',
          'feat/b',
        ]);
        r.checkout('HEAD');
      }),
    expect: accepted,
  },
  {
    id: 'a default branch named with odd characters',
    build: (r) => {
      around(r, () => pr(r, 2, 2));
      r.git(['branch', '-m', 'main', 'rélease/ü#$%&\'"+=!;`x']);
    },
    expect: accepted,
  },
  {
    id: 'a dangling branch ref (points to no object)',
    build: (r) => {
      around(r, () => pr(r, 2, 2));
      writeFileSync(join(r.dir, '.git', 'refs', 'heads', 'ghost'), `${'1'.repeat(40)}\n`);
    },
    expect: accepted,
  },
  {
    id: 'HEAD and main point to no object',
    build: (r) => {
      around(r, () => pr(r, 2, 2));
      writeFileSync(join(r.dir, '.git', 'refs', 'heads', 'main'), `${'1'.repeat(40)}\n`);
      return { good: 0 };
    },
    expect: refused(/no commits|not|cannot|missing|bad/i),
  },
  {
    id: 'a parent commit object missing',
    build: (r) =>
      around(r, () => {
        const sha = pr(r, 2, 2);
        return () => rmSync(objectPath(r, sha));
      }),
    expect: refused(/rev-list failed.*Could not read [0-9a-f]{7}/s),
  },
  {
    id: 'a symlink and a binary file in one unit',
    build: (r) =>
      around(r, () => {
        r.write('bin/blob.bin', Buffer.from([0, 1, 2, 255, 254, 0, 0, 7]));
        execFileSync('ln', ['-s', '../src/f1.ts', join(r.dir, 'bin', 'link')]);
        r.git(['add', 'bin/link']);
        r.commit('feat: binary (#2)', 2, { committer: FORGE });
      }),
    expect: accepted,
  },
  {
    id: 'file names with a newline, a tab and non-UTF-8 bytes',
    build: (r) =>
      around(r, () => {
        r.write('src/new\nline\t.ts', lines('nl', 3));
        const odd = Buffer.concat([Buffer.from(join(r.dir, 'src', 'x')), Buffer.from([0xff, 0xfe])]);
        writeFileSync(odd, 'x\n');
        r.git(['add', '-A']);
        r.commit('feat: odd names (#2)', 2, { committer: FORGE });
      }),
    expect: accepted,
  },
  {
    id: 'a submodule added in one unit',
    build: (r) =>
      around(r, () => {
        const sub = new ScriptedRepo('mileage-corpus-sub-');
        pr(sub, 1, 0);
        r.git(['-c', 'protocol.file.allow=always', 'submodule', '-q', 'add', sub.dir, 'vendor/sub']);
        r.commit('feat: submodule (#2)', 2, { committer: FORGE });
        sub.cleanup();
      }),
    expect: accepted,
  },
  {
    id: 'a shallow clone (history cut below the good units)',
    build: (r) => {
      pr(r, 0, -1);
      around(r, () => pr(r, 2, 2));
      const clone = `${r.dir}-shallow`;
      r.git(['clone', '-q', '--depth', '3', `file://${r.dir}`, clone]);
      return { path: clone, good: GOOD_UNITS };
    },
    expect: accepted,
  },
  {
    id: 'a bare repository',
    build: (r) => {
      around(r, () => pr(r, 2, 2));
      const bare = `${r.dir}-bare.git`;
      r.git(['clone', '-q', '--bare', r.dir, bare]);
      return { path: bare, good: GOOD_UNITS };
    },
    expect: accepted,
  },
  {
    id: 'a detached HEAD on an older commit',
    build: (r) => {
      around(r, () => pr(r, 2, 2));
      r.git(['checkout', '-q', '--detach', 'HEAD~2']);
    },
    expect: accepted,
  },
  { id: 'an empty repository', build: () => ({ good: 0 }), expect: refused(/no commits yet/) },
  {
    id: 'a folder that is no repository',
    build: (r) => {
      const path = `${r.dir}-plain`;
      mkdirSync(path);
      return { path, good: 0 };
    },
    expect: refused(/is not a git repository/),
  },
  {
    id: 'a path that does not exist',
    build: (r) => ({ path: `${r.dir}-missing`, good: 0 }),
    expect: refused(/is not a git repository|does not exist|no such/i),
  },
  {
    id: 'a file, not a folder',
    build: (r) => {
      const path = `${r.dir}-file`;
      writeFileSync(path, 'not a repository\n');
      return { path, good: 0 };
    },
    expect: refused(/is not a git repository/),
  },
  {
    id: 'a .git file pointing to a missing git dir',
    build: (r) => {
      const path = `${r.dir}-worktree`;
      mkdirSync(path);
      writeFileSync(join(path, '.git'), 'gitdir: /nonexistent/worktree/.git\n');
      return { path, good: 0 };
    },
    expect: refused(/is not a git repository/),
  },
];

/** Every folder a case made beside its repository, removed afterwards. */
const SIBLINGS = ['-shallow', '-bare.git', '-plain', '-file', '-worktree'];

/** Runs the git corpus: each repository built and ingested in-process into one store, then checked. */
export async function runGitCorpus(): Promise<Measured[]> {
  const db = await openStore(':memory:');
  const out: Measured[] = [];
  try {
    for (const c of GIT_CASES) {
      const repo = new ScriptedRepo('mileage-corpus-git-');
      let observation: Observation;
      try {
        const built = c.build(repo) ?? { good: GOOD_UNITS };
        const path = built.path ?? repo.dir;
        try {
          const summary = await ingestGit(db, [path], { reworkWindowDays: 30 });
          const identity = summary.repositories[0]?.repo ?? '';
          const [row] = await db.query(
            `SELECT count(*) AS n FROM outcomes WHERE source = 'git' AND repo = $repo`,
            { repo: identity },
          );
          observation = {
            problems: summary.problems,
            refusal: null,
            crash: null,
            stored: Number(row?.n ?? 0),
            good: built.good,
          };
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          observation =
            e instanceof MileageError
              ? { problems: [], refusal: { message }, crash: null, stored: 0, good: built.good }
              : { problems: [], refusal: null, crash: message, stored: 0, good: built.good };
        }
      } finally {
        repo.cleanup();
        for (const s of SIBLINGS) rmSync(`${repo.dir}${s}`, { recursive: true, force: true });
      }
      out.push(judge(`git:${c.id}`, 'ingest git', c.expect, observation));
    }
    const broken = await storeStillWorks(db);
    for (const m of out) m.bricked = broken !== null;
  } finally {
    await db.close();
  }
  return out;
}
