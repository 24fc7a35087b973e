import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssue, loadOrgFile } from '../../src/org/load.js';
import { openStore } from '../../src/store/open.js';
import { judge, storeStillWorks, type Expect, type Measured } from './measure.js';

/**
 * The org file (mileage.yaml): each input is one whole file, refused with every issue placed (line, column
 * and the field path in the file's own spelling) or accepted; an accepted one is loaded into a store, which
 * must still ingest and report. Wrong types, unknown keys, huge values, duplicate teams, broken YAML.
 */
export interface OrgCase {
  id: string;
  text: string;
  expect: Expect;
}

const BASE = `org: acme
time_zone: Europe/Berlin
privacy:
  individuals: team
  min_group_size: 5
teams:
  - id: payments
    name: Payments
    loaded_cost_per_engineer: 210000
  - { id: platform, name: Platform }
people:
  - id: ana
    name: Ana Lima
    team: payments
    emails: [ana@acme.com]
  - { id: bo, name: Bo Berg, team: platform }
seats:
  - tool: copilot
    plan: business
    monthly_price: 19
    assignees: [ana, bo]
    from: 2026-01-01
    until: 2026-12-31
price_overrides:
  - provider: anthropic
    discount_percent: 15
    from: 2026-01-01
server:
  port: 8080
`;

/** The base file with one line replaced (the first line starting with `from`, keeping its indent). */
function replaced(from: string, to: string): string {
  const at = BASE.indexOf(from);
  if (at === -1) throw new Error(`corpus: "${from}" is not in the base org file`);
  return BASE.slice(0, at) + to + BASE.slice(at + from.length);
}

/** Refused, with the field path (or the reason) in the formatted issue. */
const refused = (pattern: RegExp): Expect => ({ outcome: 'refused', reason: pattern });

export const ORG_CORPUS: OrgCase[] = [
  { id: 'the base file', text: BASE, expect: { outcome: 'accepted' } },
  {
    id: 'teams a number',
    text: replaced('teams:\n  - id: payments', 'teams: 5\nx_teams:\n  - id: payments'),
    expect: refused(/ teams: |x_teams/),
  },
  {
    id: 'team id a number',
    text: replaced('- id: payments', '- id: 12.5'),
    expect: refused(/teams\[0\]\.id/),
  },
  {
    id: 'duplicate team ids',
    text: replaced('{ id: platform, name: Platform }', '{ id: payments, name: Platform }'),
    expect: refused(/teams\[1\]\.id|duplicate|twice/),
  },
  { id: 'unknown top-level key', text: `${BASE}tems: []\n`, expect: refused(/tems/) },
  {
    id: 'unknown key in a person',
    text: replaced('team: payments\n    emails', 'team: payments\n    mail: x@acme.com\n    emails'),
    expect: refused(/people\[0\]\.mail/),
  },
  {
    id: "a person's unknown team",
    text: replaced('team: payments\n    emails', 'team: pay\n    emails'),
    expect: refused(/people\[0\]\.team/),
  },
  {
    id: 'min_group_size -1',
    text: replaced('min_group_size: 5', 'min_group_size: -1'),
    expect: refused(/privacy\.min_group_size/),
  },
  // every group is then below the minimum: all folded, nothing named (a choice, not a broken file)
  {
    id: 'min_group_size 1e9',
    text: replaced('min_group_size: 5', 'min_group_size: 1000000000'),
    expect: { outcome: 'accepted' },
  },
  {
    id: 'min_group_size "five"',
    text: replaced('min_group_size: 5', 'min_group_size: five'),
    expect: refused(/privacy\.min_group_size/),
  },
  {
    id: 'individuals: everyone',
    text: replaced('individuals: team', 'individuals: everyone'),
    expect: refused(/privacy\.individuals/),
  },
  {
    id: 'time zone Mars/Olympus',
    text: replaced('time_zone: Europe/Berlin', 'time_zone: Mars/Olympus'),
    expect: refused(/time_zone/),
  },
  {
    id: 'seat price 1e20',
    text: replaced('monthly_price: 19', 'monthly_price: 100000000000000000000'),
    expect: refused(/seats\[0\]\.monthly_price/),
  },
  {
    id: 'seat price -5',
    text: replaced('monthly_price: 19', 'monthly_price: -5'),
    expect: refused(/seats\[0\]\.monthly_price/),
  },
  {
    id: 'seat price "abc"',
    text: replaced('monthly_price: 19', 'monthly_price: abc'),
    expect: refused(/seats\[0\]\.monthly_price/),
  },
  {
    id: 'seat from 2026-02-30',
    text: replaced('from: 2026-01-01\n    until', 'from: 2026-02-30\n    until'),
    expect: refused(/seats\[0\]\.from/),
  },
  {
    id: 'seat until before from',
    text: replaced('until: 2026-12-31', 'until: 2025-12-31'),
    expect: refused(/seats\[0\]\.until/),
  },
  // a seat's dates bound its days but never the ledger's span (seat days lie over the data's months)
  {
    id: 'seat from 1900',
    text: replaced('from: 2026-01-01\n    until', 'from: 1900-01-01\n    until'),
    expect: { outcome: 'accepted' },
  },
  {
    id: 'seat until 9999',
    text: replaced('until: 2026-12-31', 'until: 9999-12-31'),
    expect: { outcome: 'accepted' },
  },
  {
    id: 'discount 150%',
    text: replaced('discount_percent: 15', 'discount_percent: 150'),
    expect: refused(/price_overrides\[0\]\.discount_percent/),
  },
  {
    id: 'loaded cost 1e20',
    text: replaced('loaded_cost_per_engineer: 210000', 'loaded_cost_per_engineer: 1e20'),
    expect: refused(/teams\[0\]\.loaded_cost_per_engineer/),
  },
  { id: 'server port 70000', text: replaced('port: 8080', 'port: 70000'), expect: refused(/server\.port/) },
  {
    id: 'a team name of 1 MB',
    text: replaced('name: Payments', `name: ${'P'.repeat(1_000_000)}`),
    expect: refused(/teams\[0\]\.name/),
  },
  {
    id: 'org name of 5,000 characters',
    text: replaced('org: acme', `org: ${'a'.repeat(5000)}`),
    expect: refused(/ org: /),
  },
  {
    id: '5,000 teams',
    text: replaced(
      'teams:\n',
      `teams:\n${Array.from({ length: 5000 }, (_, i) => `  - { id: t${i}, name: Team ${i} }\n`).join('')}`,
    ),
    expect: { outcome: 'accepted' },
  },
  {
    id: 'YAML syntax error',
    text: replaced('org: acme', 'org: [acme'),
    expect: refused(/mileage\.yaml:\d+:\d+/),
  },
  {
    id: 'a tab as indentation',
    text: replaced('  individuals: team', '\tindividuals: team'),
    expect: refused(/mileage\.yaml:\d+:\d+/),
  },
  { id: 'duplicate key', text: `${BASE}org: other\n`, expect: refused(/org|duplicate|unique/i) },
  {
    id: 'alias bomb (billion laughs)',
    text: `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n${BASE}`,
    expect: refused(/alias|resource|excessive|unknown|[a-g]/i),
  },
  {
    id: 'nested 20,000 deep',
    text: `${BASE}extra: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    expect: refused(/extra|nest|deep/i),
  },
  { id: 'an empty file', text: '', expect: refused(/org|empty|expected/i) },
  { id: 'binary bytes', text: '\u0000\u0001\u0002PK\u0003\u0004', expect: refused(/mileage\.yaml/) },
  { id: 'a list at the top', text: '- org: acme\n', expect: refused(/expected|object|mapping/i) },
];

/** Runs the org-file corpus: each file written and loaded as the CLI does; accepted ones loaded into a store. */
export async function runOrgCorpus(dir: string): Promise<Measured[]> {
  const db = await openStore(':memory:');
  const out: Measured[] = [];
  try {
    for (const [i, c] of ORG_CORPUS.entries()) {
      const file = join(dir, `org-${i}`, 'mileage.yaml');
      mkdirSync(join(dir, `org-${i}`), { recursive: true });
      writeFileSync(file, c.text);
      let observation;
      try {
        const r = await loadOrgFile(file);
        if (r.ok) {
          await db.loadDirectory(r.value);
          observation = { problems: [], refusal: null, crash: null, stored: 1, good: 0 };
        } else {
          const message = r.error.map((e) => formatIssue({ ...e, file: 'mileage.yaml' })).join('\n');
          observation = { problems: [], refusal: { message }, crash: null, stored: 0, good: 0 };
        }
      } catch (e) {
        observation = {
          problems: [],
          refusal: null,
          crash: e instanceof Error ? e.message : String(e),
          stored: 0,
          good: 0,
        };
      }
      out.push(judge(`org-file:${c.id}`, 'org-file', c.expect, observation));
    }
    const broken = await storeStillWorks(db);
    for (const m of out) m.bricked = broken !== null;
  } finally {
    await db.close();
  }
  return out;
}
