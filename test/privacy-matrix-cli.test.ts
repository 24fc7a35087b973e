import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import { makeRun } from '../src/cli/run.js';
import type { Terminal } from '../src/cli/terminal.js';
import { diagnosticWindows } from '../src/diagnostics/windows.js';
import type { OrgDirectory, Privacy } from '../src/domain/directory.js';
import type { DayWindow } from '../src/domain/time.js';
import { QUERIES } from '../src/metrics/registry.js';
import { openStore } from '../src/store/open.js';
import type { DemoStore } from './support/demo-store.js';
import { identifies, smallTeamDemo, type Dim, type Filter, type Truth } from './support/privacy-truth.js';

/**
 * Issue 19 item 11 over the CLI's own outputs, as a matrix beside the API's (privacy-matrix.test.ts): every
 * queryable metric under every dimension it takes (`query --json`), the weekly report in every format,
 * what-if, seats, reconciliation and the FOCUS export written to a file — run in process through the same
 * program as `mileage` (cli/program.ts) with stdout a pipe, on a demo org whose teams include some below the
 * minimum group size (a team of one among them). What leaves the machine renders as an org-wide viewer by
 * default (cli/audience.ts): under `individuals: team` and `hidden` no output may name a person, name a team
 * below the minimum or show a row (or "other") of fewer people; `--as manager:TEAM` renders that manager's
 * slice under the same rules. The owner on a terminal is shown people (which proves the checks can fail)
 * and is told so on stderr.
 */
const MIN = 3;

let demo: DemoStore;
let store: string;
let directory: OrgDirectory;
let truth: Truth;
let window: DayWindow;

beforeAll(async () => {
  let extent: { first: string; last: string };
  ({ demo, directory, truth, extent } = await smallTeamDemo());
  // The CLI's default window (commands/query.ts commandWindow).
  window = diagnosticWindows(extent.first, extent.last).report;
  store = join(demo.dir, 'demo.duckdb');
  await demo.db.close();
}, 240_000);

afterAll(async () => {
  if (demo) await rm(demo.dir, { recursive: true, force: true });
});

async function setPrivacy(privacy: Privacy): Promise<void> {
  const db = await openStore(store);
  await db.setMeta('privacy_individuals', privacy.individuals);
  await db.setMeta('privacy_min_group_size', String(privacy.minGroupSize));
  await db.close();
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mileage ARGS --db STORE` in process, stdout a pipe unless `tty`. */
async function cli(args: string[], tty = false): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const term: Terminal = {
    stdoutIsTty: tty,
    color: false,
    out: (t) => out.push(t),
    log: (t) => err.push(t),
    warn: (t) => err.push(`warning: ${t}`),
    progress: () => ({ tick: () => undefined, update: () => undefined, done: () => undefined }),
    activity: () => ({ update: () => undefined, done: () => undefined }),
  };
  const before = process.exitCode;
  let code = 0;
  try {
    await buildProgram(makeRun(term)).parseAsync(['node', 'mileage', ...args, '--db', store]);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = 2;
  } finally {
    process.exitCode = before;
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** What would identify a person: names, ids, emails, logins (case-insensitive, 4+ characters). */
function identifiers(): string[] {
  const out = new Set<string>();
  for (const p of directory.people) {
    out.add(p.name.toLowerCase());
    out.add(p.id.toLowerCase());
    for (const a of p.aliases) if (a.kind !== 'tracker_id') out.add(a.value.toLowerCase());
  }
  return [...out].filter((s) => s.length >= 4);
}

/** Every string in a JSON value, keys included, but a finding's section (`data` is a section and a team). */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (k === 'section') continue;
      out.push(k);
      strings(x, out);
    }
  return out;
}

interface Output {
  what: string;
  text: string;
  /** Parsed JSON, when the output is JSON. */
  json?: unknown;
}

/** The CLI outputs of one audience (`as`: the --as argument, none for the default). */
async function outputsOf(as: string[], wholeStore: boolean): Promise<Output[]> {
  const out: Output[] = [];
  const take = async (what: string, args: string[], json: boolean) => {
    const r = await cli([...args, ...as]);
    expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    out.push({ what, text: r.stdout, ...(json ? { json: JSON.parse(r.stdout) as unknown } : {}) });
  };
  for (const q of QUERIES) {
    await take(`query ${q.id}`, ['query', q.id, '--json'], true);
    for (const d of q.dims) await take(`query ${q.id} --by ${d}`, ['query', q.id, '--by', d, '--json'], true);
  }
  await take('query spend.total --by person (table)', ['query', 'spend.total', '--by', 'person'], false);
  for (const format of ['terminal', 'markdown', 'html', 'json'])
    await take(
      `report weekly --format ${format}`,
      ['report', 'weekly', '--format', format],
      format === 'json',
    );
  for (const by of ['team', 'person'])
    await take(`whatif --by ${by}`, ['whatif', '--model', 'claude-haiku-4-5', '--by', by, '--json'], true);
  if (wholeStore) {
    await take('seats', ['seats', '--json'], true);
    await take('reconcile', ['reconcile', '--json'], true);
    const file = join(demo.dir, 'focus.csv');
    const r = await cli(['export', 'focus', '--out', file, ...as]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('as an org-wide viewer sees them');
    out.push({ what: 'export focus (CSV file)', text: await readFile(file, 'utf8') });
  }
  return out;
}

/** Violations of one output for an audience that may name no one, within `scope` (a manager's teams). */
function violations(o: Output, hidden: string[], scope: Filter): string[] {
  const found: string[] = [];
  const lower = o.text.toLowerCase();
  for (const id of hidden) if (lower.includes(id)) found.push(`${o.what}: names ${id}`);
  const small = directory.teams.filter((t) =>
    identifies(truth.rows(window, scope, 'team').get(t.id)?.size ?? 0, MIN),
  );
  if (o.json === undefined) {
    // The FOCUS file names teams in its Tags column only.
    const unquoted = o.text.replaceAll('""', '"');
    for (const t of small)
      if (new RegExp(`"team":\\s*"${t.id}"`).test(unquoted)) found.push(`${o.what}: tags team ${t.id}`);
    return found;
  }
  const all = strings(o.json);
  for (const t of small) {
    const named = all.some(
      (s) =>
        s === t.id ||
        s === t.name ||
        s.split('|')[0] === t.id ||
        new RegExp(`\\b(team|in) ${t.name}\\b`).test(s) ||
        s === `personal:${t.id}`,
    );
    if (named) found.push(`${o.what}: names small team ${t.id}`);
  }
  // Rows of a breakdown: a metric table's rows.
  const body = o.json as {
    by?: string | null;
    rows?: { key: string }[];
    window?: DayWindow;
  };
  const rows = body.rows;
  if (body.by && Array.isArray(rows)) {
    const w = body.window && body.window.since < window.until ? body.window : window;
    const people = truth.rows(w, scope, body.by as Dim);
    const shown = new Set<string>();
    for (const r of rows) {
      const key = r.key.split('|')[0] ?? r.key;
      if (key === 'other' || key === 'all' || key === 'total') continue;
      shown.add(key);
      const n = people.get(key)?.size ?? 0;
      if (identifies(n, MIN)) found.push(`${o.what}: row ${key} of ${n} people`);
    }
    if (rows.some((r) => r.key.split('|')[0] === 'other')) {
      const rest = new Set<string>();
      for (const [k, ps] of people) if (!shown.has(k)) for (const p of ps) rest.add(p);
      if (identifies(rest.size, MIN)) found.push(`${o.what}: "other" of ${rest.size} people`);
    }
  }
  return found;
}

describe("privacy matrix over the CLI's outputs", () => {
  it('the owner on a terminal is shown people, and told so; piped, the same command names no one', async () => {
    await setPrivacy({ individuals: 'team', minGroupSize: MIN });
    const hidden = identifiers();
    const mine = await cli(['query', 'spend.total', '--by', 'person', '--json'], true);
    expect(mine.code, mine.stderr).toBe(0);
    expect(hidden.some((id) => mine.stdout.toLowerCase().includes(id))).toBe(true);
    expect(mine.stderr).toContain('Shown to you as the holder of the store');
    const piped = await cli(['query', 'spend.total', '--by', 'person', '--json']);
    expect(piped.code, piped.stderr).toBe(0);
    expect(hidden.filter((id) => piped.stdout.toLowerCase().includes(id))).toEqual([]);
    // Asked for explicitly, the owner's view may go to a pipe, with a warning.
    const asked = await cli(['query', 'spend.total', '--by', 'person', '--json', '--as', 'owner']);
    expect(hidden.some((id) => asked.stdout.toLowerCase().includes(id))).toBe(true);
    expect(asked.stderr).toContain('written to a pipe as owner');
    const bad = await cli(['query', 'spend.total', '--as', 'everyone']);
    expect(bad.code).toBe(2);
    const whole = await cli([
      'export',
      'focus',
      '--out',
      join(demo.dir, 'x.csv'),
      '--as',
      'manager:payments',
    ]);
    expect(whole.code).toBe(2);
  });

  const audiences: { name: string; privacy: Privacy; as: string[]; teams?: string[] }[] = [
    {
      name: 'default (a pipe), individuals: team',
      privacy: { individuals: 'team', minGroupSize: MIN },
      as: [],
    },
    {
      name: 'default (a pipe), individuals: hidden',
      privacy: { individuals: 'hidden', minGroupSize: MIN },
      as: [],
    },
    {
      name: '--as manager:payments,solo, individuals: hidden',
      privacy: { individuals: 'hidden', minGroupSize: MIN },
      as: ['--as', 'manager:payments,solo'],
      teams: ['payments', 'solo'],
    },
  ];
  for (const a of audiences) {
    it(`${a.name}: no output names a hidden person or a group below the minimum`, async () => {
      await setPrivacy(a.privacy);
      const outputs = await outputsOf(a.as, a.teams === undefined);
      // A manager's slice: their teams the minimum allows (solo, a team of one, is left out).
      const scope: Filter = a.teams
        ? { teams: a.teams.filter((t) => !identifies(truth.population(window, { teams: [t] }), MIN)) }
        : {};
      const found = outputs.flatMap((o) => violations(o, identifiers(), scope));
      process.stdout.write(
        `privacy matrix (CLI), ${a.name}: ${outputs.length} outputs, ${found.length} violations\n`,
      );
      expect(outputs.length).toBeGreaterThan(40);
      expect(found.slice(0, 20)).toEqual([]);
    }, 600_000);
  }
});
