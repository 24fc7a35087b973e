import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { parseDay } from '../../domain/time.js';
import { finishIngest } from '../../ingest/finish.js';
import { ingestGit, type GitIngestSummary } from '../../ingest/git.js';
import { DEFAULT_EXCLUDED_GLOBS } from '../../sources/delivery/git/index.js';
export { describeRepository } from '../git-summary.js';
import { FORGES, type Forge } from '../../sources/delivery/git/pr-refs.js';
import { rememberGitRun, takeGitSnapshot } from '../../ingest/git-manifest.js';
import { findOrgFile } from '../../org/find.js';
import { resolveDbPath } from '../../store/open-path.js';
import { openContext, type GlobalOptions } from '../context.js';
import { priceBookFor } from '../pricing.js';
import { globalOptions, type Run } from '../run.js';
import { describeRepository } from '../git-summary.js';
import { printIngestSummary } from '../summary-output.js';
import type { Activity, Progress, Terminal } from '../terminal.js';

/** Days in a `--rework-window` unit; a month counts 30.5 days. */
const UNIT_DAYS = { d: 1, w: 7, m: 30.5, y: 365 } as const;

/** `6m`, `26w`, `180d`, `1y` or a number of days → whole days; `0` turns churn detection off. */
export function parseWindow(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([dwmy]?)$/.exec(text.trim());
  if (!m) {
    throw new MileageError(
      'usage',
      `--rework-window expects a length such as 6m, 26w or 180d, got "${text}"`,
    );
  }
  const unit = (m[2] || 'd') as keyof typeof UNIT_DAYS;
  return Math.round(Number(m[1]) * UNIT_DAYS[unit]);
}

interface GitOptions extends GlobalOptions {
  reworkWindow: string;
  full?: boolean;
  exclude?: string[];
  defaultExcludes: boolean;
  fetchPrRefs?: boolean;
  forge?: string;
  remote: string;
}

function parseForge(text: string | undefined): Forge | null {
  if (text === undefined) return null;
  const forge = FORGES.find((f) => f === text.toLowerCase());
  if (!forge) throw new MileageError('usage', `--forge expects github or gitlab, got "${text}"`);
  return forge;
}

/** `--fetch-pr-refs`: a line when each fetch starts and ends; git's own progress as one redrawn status line. */
function fetchReporter(term: Terminal) {
  let activity: Activity | null = null;
  return (repo: string, event: 'start' | 'progress' | 'done', detail: string) => {
    if (event === 'start') {
      term.log(`${repo}: fetching PR refs…`);
      activity = term.activity(`${repo} fetch`);
    } else if (event === 'progress') activity?.update(detail);
    else {
      activity?.done();
      activity = null;
      term.log(`${repo}: fetched ${detail}`);
    }
  };
}

/** How far back from the tip merges are checked for churn unless told otherwise. */
export const DEFAULT_REWORK_WINDOW = '6m';

/** One progress bar per repository and phase, on stderr (drawn only on a terminal). */
export function progressReporter(term: Terminal) {
  let key = '';
  let bar: Progress | null = null;
  let last = 0;
  return {
    update(repo: string, phase: string, done: number, total: number) {
      if (total === 0) return;
      if (`${repo} ${phase}` !== key) {
        bar?.done();
        key = `${repo} ${phase}`;
        bar = term.progress(`${repo} ${phase}`, total);
        last = 0;
      }
      bar?.tick(done - last);
      last = done;
    },
    done() {
      bar?.done();
      bar = null;
    },
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerIngestGit(ingest: Command, run: Run): void {
  globalOptions(ingest.command('git').argument('[paths...]', 'repositories (default: the current folder)'))
    .description(
      'Merged work (merge, squash and rebase merges) on the default branch of local git repositories',
    )
    .option(
      '--rework-window <length>',
      'check merges this far back from the tip for churn (0: off)',
      DEFAULT_REWORK_WINDOW,
    )
    .option('--full', 'ignore the stored cursor and read the whole history again')
    .option('--exclude <glob>', 'also exclude matching paths from effective lines (repeatable)', collect)
    .option('--no-default-excludes', `do not exclude the default lockfile/vendored/generated globs`)
    .option(
      '--fetch-pr-refs',
      'first fetch every PR head from the remote (GitHub refs/pull/N/head, GitLab refs/merge-requests/N/head), so squash merges recover their branch commits and head branch',
    )
    .option('--forge <forge>', 'with --fetch-pr-refs: github or gitlab (default: from the remote URL’s host)')
    .option('--remote <name>', 'with --fetch-pr-refs: the remote to fetch from', 'origin')
    .addHelpText('after', `\nDefault exclusions: ${DEFAULT_EXCLUDED_GLOBS.join(' ')}`)
    .action((paths: string[], opts: GitOptions) =>
      run(async (term) => {
        let since: Date | null = null;
        if (opts.since) {
          try {
            since = parseDay(opts.since);
          } catch {
            throw new MileageError('usage', `--since expects a day as YYYY-MM-DD, got "${opts.since}"`);
          }
        }
        const reworkWindowDays = parseWindow(opts.reworkWindow);
        const forge = parseForge(opts.forge);
        if ((opts.forge !== undefined || opts.remote !== 'origin') && !opts.fetchPrRefs) {
          throw new MileageError('usage', '--forge and --remote go with --fetch-pr-refs');
        }
        const folders = paths.length > 0 ? paths : ['.'];
        // What the repositories and the org file are before anything is read: remembered for the quick
        // no-op path once the run has ended well (a fetch changes the refs, so that run remembers nothing).
        const snapshot = opts.fetchPrRefs
          ? null
          : takeGitSnapshot(
              folders,
              findOrgFile({ explicit: opts.config, cwd: process.cwd(), env: process.env }),
            );
        const ctx = await openContext(opts);
        const progress = progressReporter(term);
        let finished: GitIngestSummary | null = null;
        try {
          const summary: GitIngestSummary = await ingestGit(
            ctx.db,
            folders,
            {
              since,
              reworkWindowDays,
              full: opts.full === true,
              trunkBased: ctx.directory?.delivery?.trunkBased ?? [],
              excludeGlobs: [
                ...(opts.defaultExcludes ? DEFAULT_EXCLUDED_GLOBS : []),
                ...(opts.exclude ?? []),
              ],
              fetchPrRefs: opts.fetchPrRefs ? { forge, remote: opts.remote } : null,
            },
            (repo, phase, done, total) => progress.update(repo, phase, done, total),
            fetchReporter(term),
          );
          progress.done();
          // Nothing new and nothing changed: the ledger and links stand as they are (a no-op re-run stays fast).
          const pricing =
            summary.written > 0 || (summary.changed ?? 0) > 0
              ? await finishIngest(ctx.db, priceBookFor(ctx.directory))
              : null;
          for (const r of summary.repositories) {
            for (const u of r.skipped) {
              term.warn(
                `${r.repo}: skipped the unit of commit ${u.commit}: git cannot read ${u.object ? `object ${u.object}` : 'one of its objects'}; every other unit was stored`,
              );
            }
          }
          printIngestSummary(term, summary, pricing, opts);
          if (!opts.json) for (const r of summary.repositories) term.out(`  ${describeRepository(r)}`);
          finished = summary;
        } finally {
          progress.done();
          await ctx.db.close();
        }
        if (snapshot && finished)
          rememberGitRun(resolveDbPath(opts.db, process.env, process.cwd()), snapshot, finished.repositories);
      }),
    );
}
