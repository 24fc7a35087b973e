import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { AliasKind, OrgDirectory, Person } from '../domain/directory.js';
import { usd, type Usd } from '../domain/money.js';
import type { PriceOverride } from '../domain/prices.js';
import { err, ok, type Result } from '../domain/result.js';
import { isValidTimeZone } from '../domain/time.js';
import { orgFileSchema, type OrgFile } from './schema.js';

/** A problem in the org file, always with its place: file, line, column and field path. */
export interface OrgFileIssue {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}

export function formatIssue(i: OrgFileIssue): string {
  return `${i.file}:${i.line}:${i.column}${i.field ? ` ${i.field}` : ''}: ${i.message}`;
}

type Path = (string | number)[];

function fieldName(path: Path): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    '',
  );
}

/** Where a path points in the document: the deepest node that exists on it. */
function place(doc: Document, lines: LineCounter, path: Path): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

/** The position of a key (for "unknown key" issues). */
function keyPlace(
  doc: Document,
  lines: LineCounter,
  path: Path,
  key: string,
): { line: number; column: number } | null {
  const parent = path.length ? doc.getIn(path, true) : doc.contents;
  if (!isMap(parent)) return null;
  for (const item of parent.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === key && item.key.range) {
      const pos = lines.linePos(item.key.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return null;
}

/** Money from the YAML source text, so `0.1` is exactly one tenth. */
function moneyAt(doc: Document, path: Path, value: string | number): Usd {
  const node = doc.getIn(path, true) as Node | undefined;
  const source = isScalar(node) && typeof node.source === 'string' ? node.source : String(value);
  return usd(source);
}

const SECRET_KEY = /(token|secret|password|api_key|apikey)$/i;
const SECRET_VALUE = /^(sk-|ghp_|github_pat_|glpat-|lin_api_|xox[bp]-)/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Parses and validates an org file; collects every issue rather than stopping at the first. */
export function parseOrgFile(text: string, file: string): Result<OrgDirectory, OrgFileIssue[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const issues: OrgFileIssue[] = [];
  const issue = (path: Path, message: string, at?: { line: number; column: number } | null) =>
    issues.push({ file, ...(at ?? place(doc, lines, path)), field: fieldName(path), message });

  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    issues.push({
      file,
      line: pos.line,
      column: pos.col,
      field: '',
      message: `YAML: ${e.message.split('\n')[0]}`,
    });
  }
  if (issues.length) return err(issues);

  const parsed = orgFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (i.code === 'unrecognized_keys') {
        for (const key of i.keys)
          issue([...path, key], `unknown field "${key}"`, keyPlace(doc, lines, path, key));
      } else {
        issue(path, i.message);
      }
    }
    return err(issues);
  }
  const f = parsed.data;
  crossCheck(f, (path, message) => issue(path, message));
  if (issues.length) return err(issues);
  return ok(toDirectory(f, doc, file));
}

function crossCheck(f: OrgFile, issue: (path: Path, message: string) => void): void {
  if (!isValidTimeZone(f.time_zone))
    issue(['time_zone'], `unknown time zone "${f.time_zone}" (use an IANA name such as Europe/Berlin)`);
  const ids = (section: string, list: { id: string }[]) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x.id)) issue([section, i, 'id'], `duplicate id "${x.id}"`);
      seen.add(x.id);
    });
    return seen;
  };
  const teams = ids('teams', f.teams);
  const people = ids('people', f.people);
  const workflows = ids('workflows', f.workflows);
  ids('keys', f.keys);
  const known = (set: Set<string>, what: string, value: string | undefined, path: Path) => {
    if (value !== undefined && !set.has(value)) {
      issue(path, `unknown ${what} "${value}" (${what}s: ${[...set].join(', ') || 'none defined'})`);
    }
  };
  f.people.forEach((p, i) => known(teams, 'team', p.team, ['people', i, 'team']));
  f.keys.forEach((k, i) => {
    known(people, 'person', k.owner, ['keys', i, 'owner']);
    known(teams, 'team', k.team, ['keys', i, 'team']);
    known(workflows, 'workflow', k.workflow, ['keys', i, 'workflow']);
  });
  f.workflows.forEach((w, i) => known(teams, 'team', w.team, ['workflows', i, 'team']));
  f.seats.forEach((s, i) => {
    if (s.assignees !== 'all')
      s.assignees.forEach((a, j) => known(people, 'person', a, ['seats', i, 'assignees', j]));
  });
  const owners = new Map<string, string>();
  f.people.forEach((p, i) => {
    for (const [kind, values] of Object.entries(aliasLists(p))) {
      values.forEach((v, j) => {
        const key = v.trim().toLowerCase();
        const owner = owners.get(key);
        if (owner !== undefined && owner !== p.id)
          issue(['people', i, kind, j], `alias "${v}" already belongs to "${owner}"`);
        owners.set(key, p.id);
      });
    }
  });
  for (const [name, config] of Object.entries(f.sources)) {
    for (const [key, value] of Object.entries(config)) {
      if (typeof value !== 'string') continue;
      if (SECRET_VALUE.test(value) || (SECRET_KEY.test(key) && !ENV_NAME.test(value))) {
        issue(
          ['sources', name, key],
          `looks like a secret: put it in an environment variable and name it here as "${key.replace(SECRET_KEY, '')}${key.match(SECRET_KEY)?.[0] ?? 'token'}_env: VARIABLE_NAME"`,
        );
      }
    }
  }
}

const ALIAS_FIELDS = {
  emails: 'email',
  git_names: 'git_name',
  logins: 'login',
  tracker_ids: 'tracker_id',
  key_ids: 'key_id',
  account_ids: 'account_id',
} as const satisfies Record<string, AliasKind>;

function aliasLists(p: OrgFile['people'][number]): Record<keyof typeof ALIAS_FIELDS, string[]> {
  return {
    emails: p.emails ?? [],
    git_names: p.git_names ?? [],
    logins: p.logins ?? [],
    tracker_ids: p.tracker_ids ?? [],
    key_ids: p.key_ids ?? [],
    account_ids: p.account_ids ?? [],
  };
}

function toDirectory(f: OrgFile, doc: Document, file: string): OrgDirectory {
  const people: Person[] = f.people.map((p) => ({
    id: p.id,
    name: p.name,
    team: p.team ?? null,
    aliases: Object.entries(aliasLists(p)).flatMap(([field, values]) =>
      values.map((value) => ({ kind: ALIAS_FIELDS[field as keyof typeof ALIAS_FIELDS], value })),
    ),
  }));
  const priceOverrides: PriceOverride[] = f.price_overrides.map((o, i) => {
    const path = (k: string) => ['price_overrides', i, k];
    if ('discount_percent' in o) {
      return {
        kind: 'discount',
        provider: o.provider,
        percent: moneyAt(doc, path('discount_percent'), o.discount_percent).dividedBy(100),
        from: o.from ?? null,
        until: o.until ?? null,
      };
    }
    return {
      kind: 'model_price',
      provider: o.provider ?? null,
      model: o.model,
      prices: {
        inputMtok: moneyAt(doc, path('input_per_mtok'), o.input_per_mtok),
        outputMtok: moneyAt(doc, path('output_per_mtok'), o.output_per_mtok),
        cacheReadMtok:
          o.cache_read_per_mtok === undefined
            ? null
            : moneyAt(doc, path('cache_read_per_mtok'), o.cache_read_per_mtok),
        cacheWriteMtok:
          o.cache_write_per_mtok === undefined
            ? null
            : moneyAt(doc, path('cache_write_per_mtok'), o.cache_write_per_mtok),
      },
      from: o.from ?? null,
      until: o.until ?? null,
    };
  });
  return {
    file,
    org: f.org,
    timeZone: f.time_zone,
    teams: f.teams.map((t, i) => ({
      id: t.id,
      name: t.name,
      loadedCostPerEngineer:
        t.loaded_cost_per_engineer === undefined
          ? null
          : moneyAt(doc, ['teams', i, 'loaded_cost_per_engineer'], t.loaded_cost_per_engineer),
    })),
    people,
    keys: f.keys.map((k) => ({
      id: k.id,
      name: k.name,
      owner: k.owner ?? null,
      team: k.team ?? null,
      workflow: k.workflow ?? null,
      workloadType: k.workload_type ?? null,
    })),
    workflows: f.workflows.map((w) => ({
      id: w.id,
      name: w.name,
      outcomeKind: w.outcome_kind ?? null,
      qualityBar: w.quality_bar ?? null,
      team: w.team ?? null,
    })),
    seats: f.seats.map((s, i) => ({
      tool: s.tool,
      plan: s.plan ?? null,
      monthlyPrice: moneyAt(doc, ['seats', i, 'monthly_price'], s.monthly_price),
      assignees: s.assignees === 'all' ? people.map((p) => p.id) : s.assignees,
      from: s.from ?? null,
      until: s.until ?? null,
    })),
    accounts: f.accounts.map((a) => ({ tool: a.tool, stream: a.stream })),
    priceOverrides,
    privacy: { individuals: f.privacy.individuals, minGroupSize: f.privacy.min_group_size },
    sources: Object.keys(f.sources),
  };
}

export async function loadOrgFile(path: string): Promise<Result<OrgDirectory, OrgFileIssue[]>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    return err([{ file: path, line: 1, column: 1, field: '', message: `cannot read the file (${code})` }]);
  }
  return parseOrgFile(text, path);
}

/** `--config` wins, then $MILEAGE_CONFIG, then ./mileage.yaml when it exists. */
export function findOrgFile(o: {
  explicit?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): string | null {
  if (o.explicit) return resolve(o.cwd, o.explicit);
  if (o.env.MILEAGE_CONFIG) return resolve(o.cwd, o.env.MILEAGE_CONFIG);
  const local = resolve(o.cwd, 'mileage.yaml');
  return existsSync(local) ? local : null;
}
