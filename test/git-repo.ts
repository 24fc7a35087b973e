import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A person or bot as git records them. */
export interface Who {
  name: string;
  email: string;
}

export const DAY = 86_400;
/** Day 0 of every scripted repository: 2026-01-05T09:00:00Z. */
export const T0 = Date.UTC(2026, 0, 5, 9) / 1000;

export const ANA: Who = { name: 'Ana', email: 'ana@example.com' };

/** `n` numbered lines tagged with `tag`, so every line of every write is distinct. */
export function lines(tag: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`);
}

/**
 * A git repository built by a test from scripted commits, with author and committer times set per commit
 * (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE), so churn windows and cycle times are exact. Files are written as
 * arrays of lines; the test keeps its own copy of what it wrote to compute expectations.
 */
export class ScriptedRepo {
  readonly dir: string;
  private files = new Map<string, string[]>();

  constructor(prefix = 'mileage-git-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.git(['init', '-q', '-b', 'main']);
    this.git(['config', 'user.name', ANA.name]);
    this.git(['config', 'user.email', ANA.email]);
    this.git(['config', 'commit.gpgsign', 'false']);
  }

  git(args: string[], env: Record<string, string> = {}): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: this.dir, ...env },
      encoding: 'utf8',
    }).trim();
  }

  /** The lines of a file as last written on the current branch (the test's own record). */
  read(path: string): string[] {
    return [...(this.files.get(path) ?? [])];
  }

  write(path: string, content: string[] | Buffer): void {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    if (Buffer.isBuffer(content)) writeFileSync(full, content);
    else {
      writeFileSync(full, content.join('\n') + '\n');
      this.files.set(path, [...content]);
    }
    this.git(['add', '--', path]);
  }

  /** Replaces lines [from, from + n) (1-based) with new lines tagged `tag`. */
  replace(path: string, from: number, n: number, tag: string): void {
    const content = this.read(path);
    content.splice(from - 1, n, ...lines(tag, n));
    this.write(path, content);
  }

  move(from: string, to: string): void {
    this.git(['mv', from, to]);
    this.files.set(to, this.read(from));
    this.files.delete(from);
  }

  remove(path: string): void {
    this.git(['rm', '-q', '--', path]);
    this.files.delete(path);
  }

  /** Commits what is staged at `day` (author time), committed at `committedDay` (default the same). */
  commit(
    message: string,
    day: number,
    opts: { author?: Who; committer?: Who; committedDay?: number } = {},
  ): string {
    const author = opts.author ?? ANA;
    const committer = opts.committer ?? author;
    this.git(
      ['commit', '-q', '--allow-empty', '-m', message],
      this.env(author, committer, day, opts.committedDay),
    );
    return this.git(['rev-parse', 'HEAD']);
  }

  branch(name: string): void {
    this.git(['checkout', '-q', '-b', name]);
  }

  /** Switches branch; the test's copy of file contents follows the tree checked out. */
  checkout(name: string): void {
    this.git(['checkout', '-q', name]);
    this.files = new Map(
      this.git(['ls-files'])
        .split('\n')
        .filter(Boolean)
        .map((p) => [p, this.git(['show', `HEAD:${p}`]).split('\n')]),
    );
  }

  /** A no-fast-forward merge of `branch` into the current branch at `day`. */
  merge(branch: string, message: string, day: number, committer: Who = ANA): string {
    this.git(['merge', '-q', '--no-ff', '-m', message, branch], this.env(committer, committer, day));
    this.checkout('HEAD');
    return this.git(['rev-parse', 'HEAD']);
  }

  revert(sha: string, day: number): string {
    this.git(['revert', '--no-edit', sha], this.env(ANA, ANA, day));
    this.checkout('HEAD');
    return this.git(['rev-parse', 'HEAD']);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private env(author: Who, committer: Who, day: number, committedDay = day): Record<string, string> {
    const at = (d: number) => `@${Math.round(T0 + d * DAY)} +0000`;
    return {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: at(day),
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: at(committedDay),
    };
  }
}
