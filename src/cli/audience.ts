import { Option, type Command } from 'commander';
import type { Privacy } from '../domain/directory.js';
import { MileageError } from '../domain/errors.js';
import type { DayWindow } from '../domain/time.js';
import type { MetricFilter } from '../metrics/filter.js';
import { namesPeople, personFacts, pickable, protectsGroups } from '../metrics/privacy.js';
import type { Viewer } from '../org/privacy.js';
import type { Db } from '../store/db.js';
import type { Terminal } from './terminal.js';

/**
 * Who the CLI's output is rendered for — the one place that decides it (issue 19 item 11). Every output that
 * leaves this machine (a file, a pipe, Slack, a Markdown/HTML/JSON document) renders by default as an
 * org-wide viewer under the org's privacy settings, whoever runs the command. Only output printed on this
 * terminal, read by whoever holds the store, renders as the owner (who may be shown people the settings hide
 * from others), and the CLI says so on stderr. `--as owner|viewer|manager:TEAM[,TEAM]` chooses explicitly.
 */

/** Where an output goes: this terminal, a pipe or redirect (stdout is not a terminal), or a named file. */
export type Destination = 'terminal' | 'pipe' | 'file';

export const AS_HELP =
  'who the output is rendered for: viewer (an org-wide viewer under the privacy settings; the default for anything written to a file or a pipe) | owner (you, holding the store; the default on a terminal) | manager:TEAM[,TEAM] (a manager of those team ids)';

/** Adds `--as` to a command that prints or writes what the store holds. */
export function asOption(cmd: Command): Command {
  return cmd.addOption(new Option('--as <audience>', AS_HELP));
}

/** Parses `owner`, `viewer` or `manager:TEAM[,TEAM…]` (team ids, as in mileage.yaml). */
export function parseAudience(text: string, flag = '--as'): Viewer {
  if (text === 'owner' || text === 'viewer') return { role: text };
  const m = /^manager:(.+)$/.exec(text);
  if (m) {
    const teams = [
      ...new Set(
        (m[1] as string)
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    if (teams.length > 0) return { role: 'manager', teams };
  }
  throw new MileageError(
    'usage',
    `${flag} expects viewer, owner or manager:TEAM (team ids, comma-separated), got "${text}"`,
  );
}

/**
 * The destination of what a command prints on stdout. `document`: a format made to be saved or sent
 * (Markdown, HTML, a report's JSON), which leaves the machine even when it is printed on a terminal.
 */
export function stdoutDestination(term: Terminal, document = false): Destination {
  return term.stdoutIsTty === true && !document ? 'terminal' : 'pipe';
}

/** The audience of an output: the one asked for, else the owner on this terminal and an org-wide viewer elsewhere. */
export function outputAudience(asked: string | undefined, destination: Destination): Viewer {
  if (asked !== undefined) return parseAudience(asked);
  return destination === 'terminal' ? { role: 'owner' } : { role: 'viewer' };
}

/**
 * The audience of an output over the whole store (an export, seats, reconciliation): a manager's view is
 * their teams' slice, which these outputs do not have, so `--as` takes viewer or owner there.
 */
export function wholeStoreAudience(
  asked: string | undefined,
  destination: Destination,
  what: string,
): Viewer {
  const viewer = outputAudience(asked, destination);
  if (viewer.role === 'manager')
    throw new MileageError(
      'usage',
      `${what} covers the whole store: --as takes viewer or owner here`,
      "A manager's view of their teams: `mileage query … --as manager:TEAM`, `mileage report weekly --as manager:TEAM`, or the API with a manager token.",
    );
  return viewer;
}

/** How an audience is named in messages and in `--as`. */
export function audienceName(viewer: Viewer): string {
  return viewer.role === 'manager' ? `manager:${(viewer.teams ?? []).join(',')}` : viewer.role;
}

/**
 * Tells (on stderr) whose view was rendered when it matters: the owner's view on a terminal may show people
 * the settings hide from others, and an owner's or manager's view sent to a file or a pipe was asked for
 * explicitly and should not be shared further.
 */
export function noteAudience(
  term: Terminal,
  viewer: Viewer,
  privacy: Privacy,
  destination: Destination,
): void {
  if (viewer.role === 'viewer') return;
  const more = namesPeople(privacy, viewer) || (viewer.role === 'manager' && privacy.individuals === 'team');
  if (!more) return;
  const settings = `individuals: ${privacy.individuals}, min_group_size: ${privacy.minGroupSize}`;
  if (destination === 'terminal') {
    term.log(
      viewer.role === 'owner'
        ? `Shown to you as the holder of the store: it may name people the privacy settings (${settings}) hide from others. Output that leaves this machine shows what an org-wide viewer sees (--as viewer).`
        : `Shown as ${audienceName(viewer)} sees it: it names that manager's people (${settings}).`,
    );
  } else {
    term.warn(
      `written ${destination === 'file' ? 'to a file' : 'to a pipe'} as ${audienceName(viewer)} (--as): it may name people the privacy settings (${settings}) hide from an org-wide viewer; do not share it beyond that audience.`,
    );
  }
}

/**
 * The filter an audience reads through: a manager sees their teams only (as the server narrows a manager's
 * token), less the teams the minimum group size would single out; everyone else the whole store. Unknown
 * team ids are an error, not an empty answer.
 */
export async function audienceFilter(
  db: Db,
  privacy: Privacy,
  viewer: Viewer,
  window: DayWindow,
): Promise<MetricFilter | undefined> {
  if (viewer.role !== 'manager') return undefined;
  const asked = viewer.teams ?? [];
  const known = new Set((await db.query('SELECT team_id FROM dir_teams')).map((r) => String(r.team_id)));
  const unknown = asked.filter((t) => !known.has(t));
  if (unknown.length > 0)
    throw new MileageError(
      'usage',
      `--as manager: no team "${unknown.join('", "')}" in the store`,
      `Team ids: ${[...known].sort().join(', ') || '(none loaded)'}.`,
    );
  const filter: MetricFilter = { teams: asked };
  if (!protectsGroups(privacy, viewer, filter)) return filter;
  const teams = pickable(await personFacts(db, window), {}, 'teams', asked, privacy.minGroupSize);
  if (teams.length === 0)
    throw new MileageError(
      'usage',
      `every team of ${audienceName(viewer)} has fewer than ${privacy.minGroupSize} people in this window (privacy: min_group_size)`,
    );
  return { teams };
}
