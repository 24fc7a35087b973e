import { createGithubConnector } from '../../src/connectors/github/connector.js';
import { createGitlabConnector } from '../../src/connectors/gitlab/connector.js';
import { createJiraConnector } from '../../src/connectors/jira/connector.js';
import { createLinearConnector } from '../../src/connectors/linear/connector.js';
import type { Connector } from '../../src/connectors/sync/connector.js';
import { runSync } from '../../src/connectors/sync/runner.js';
import { MileageError } from '../../src/domain/errors.js';
import {
  fixture,
  githubSearch,
  gitlabProject,
  jiraSearch,
  linearIssues,
  memoryDb,
  sourceConfig,
} from '../support/apis.js';
import { fakeClock } from '../support/fake-clock.js';
import { ReplayServer, type Reply } from '../support/replay-server.js';
import { judge, storeStillWorks, type Expect, type Measured, type Observation } from './measure.js';

/**
 * Connectors fed malformed forge and tracker responses through the replay server of the connector tests
 * (127.0.0.1, the documented shapes of test/fixtures). Item cases put one bad item among the fixture's
 * good ones (the first one the baseline stores, replaced): it must be skipped and listed with its field,
 * the others kept. Page cases answer one page with a broken body: the sync must fail clearly, naming the
 * request. Each case syncs into a fresh store, which must still ingest and report afterwards.
 */
export type Item = Record<string, unknown>;

export interface ConnectorSpec {
  name: string;
  items: Item[];
  /** Routes serving `items` (and the connector's other endpoints). */
  serve: (server: ReplayServer, items: Item[]) => void;
  /** The route whose page a page case breaks. */
  page: { method: string; path: string };
  make: (url: string) => Connector;
  /** The item replaced by item cases (one the baseline stores). */
  target: number;
  /** Item cases: a change to the target item, and the field the rejection must name. */
  itemCases: { id: string; change: (item: Item) => unknown; expect: Expect }[];
  /** What one stored item adds up to, as SQL returning `n` (default: the outcomes stored). */
  count?: string;
}

const NOW = () => Date.parse('2026-07-10T00:00:00Z');
const env = { TOKEN: 'replay-token-0123456789' };
const built = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

export const set = (path: string, value: unknown) => (item: Item) => {
  const copy = structuredClone(item);
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  if (value === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = value;
  return copy;
};
export const rejected = (field: string): Expect => ({ outcome: 'rejected', field });

const GITLAB_LIST = `/api/v4/projects/${encodeURIComponent('acme/billing')}/merge_requests`;

const SPECS: ConnectorSpec[] = [
  {
    name: 'github',
    items: fixture<Item[]>('github/search-nodes.json'),
    serve: (s, items) => s.route('POST', '/graphql', githubSearch(items)),
    page: { method: 'POST', path: '/graphql' },
    make: (url) =>
      built(
        createGithubConnector(
          sourceConfig('github', {
            token_env: 'TOKEN',
            repos: ['acme/billing'],
            base_url: url,
            page_size: 50,
            since: '2026-06-01',
          }),
          { env, now: NOW, clock: fakeClock() },
        ),
      ),
    target: 0,
    itemCases: [
      { id: 'number a string', change: set('number', 'four-eighteen'), expect: rejected('number') },
      { id: 'number missing', change: set('number', undefined), expect: rejected('number') },
      { id: 'mergedAt a number', change: set('mergedAt', 12345), expect: rejected('mergedAt') },
      { id: 'mergedAt not a date', change: set('mergedAt', 'yesterday'), expect: rejected('mergedAt') },
      { id: 'additions 1e18', change: set('additions', 1e18), expect: rejected('additions') },
      { id: 'additions -5', change: set('additions', -5), expect: rejected('additions') },
      { id: 'author a string', change: set('author', 'ana'), expect: rejected('author') },
      { id: 'commits null', change: set('commits', null), expect: rejected('commits') },
      { id: 'the item a string', change: () => 'not a PR', expect: { outcome: 'rejected', field: null } },
    ],
  },
  {
    name: 'linear',
    items: fixture<Item[]>('linear/issues.json'),
    serve: (s, items) => s.route('POST', '/graphql', linearIssues(items)),
    page: { method: 'POST', path: '/graphql' },
    make: (url) =>
      built(
        createLinearConnector(
          sourceConfig('linear', { token_env: 'TOKEN', base_url: url, page_size: 50, teams: ['BIL', 'OPS'] }),
          { env, now: NOW, clock: fakeClock() },
        ),
      ),
    target: 0,
    itemCases: [
      { id: 'completedAt a number', change: set('completedAt', 5), expect: rejected('completedAt') },
      { id: 'completedAt not a date', change: set('completedAt', 'soon'), expect: rejected('completedAt') },
      { id: 'estimate 1e15', change: set('estimate', 1e15), expect: rejected('estimate|points') },
      { id: 'estimate a string', change: set('estimate', 'three'), expect: rejected('estimate') },
      { id: 'identifier missing', change: set('identifier', undefined), expect: rejected('identifier') },
      // (the team is the query's filter, not read from the item: a wrong type there changes nothing)
      { id: 'team a number', change: set('team', 7), expect: { outcome: 'accepted' } },
      { id: 'labels a string', change: set('labels', 'Feature'), expect: rejected('labels') },
    ],
  },
  {
    name: 'jira',
    items: fixture<Item[]>('jira/sync-issues.json'),
    serve: (s, items) => {
      s.route('GET', '/rest/api/3/field', () => ({ json: fixture('jira/fields.json') }));
      s.route('POST', '/rest/api/3/search/jql', jiraSearch(items));
    },
    page: { method: 'POST', path: '/rest/api/3/search/jql' },
    make: (url) =>
      built(
        createJiraConnector(
          sourceConfig('jira', {
            token_env: 'TOKEN',
            email: 'bot@acme.com',
            base_url: url,
            jql: 'project in (BILL, OPS)',
            page_size: 50,
            since: '2026-06-01',
          }),
          { env, now: NOW, clock: fakeClock() },
        ),
      ),
    target: 0,
    itemCases: [
      { id: 'key missing', change: set('key', undefined), expect: rejected('key') },
      { id: 'fields missing', change: set('fields', undefined), expect: rejected('fields') },
      {
        id: 'resolutiondate a number',
        change: set('fields.resolutiondate', 123),
        expect: rejected('resolutiondate'),
      },
      {
        id: 'resolutiondate not a date',
        change: set('fields.resolutiondate', 'last week'),
        expect: rejected('resolutiondate'),
      },
      {
        // (the site's field list names customfield_10016 "Story point estimate", preferred)
        id: 'story points -1e12',
        change: set('fields.customfield_10016', -1e12),
        expect: rejected('customfield_10016|points'),
      },
      {
        id: 'story points a word',
        change: set('fields.customfield_10016', 'large'),
        expect: rejected('customfield_10016|points'),
      },
      { id: 'the item an array', change: () => [], expect: { outcome: 'rejected', field: null } },
    ],
  },
  {
    name: 'gitlab',
    items: fixture<Item[]>('gitlab/merge-requests.json'),
    serve: (s, items) =>
      gitlabProject(
        s,
        'acme/billing',
        items,
        fixture('gitlab/mr-commits.json'),
        fixture('gitlab/mr-diffs.json'),
        fixture('gitlab/mr-approvals.json'),
        fixture('gitlab/mr-notes.json'),
      ),
    page: { method: 'GET', path: GITLAB_LIST },
    make: (url) =>
      built(
        createGitlabConnector(
          sourceConfig('gitlab', {
            token_env: 'TOKEN',
            projects: ['acme/billing'],
            base_url: `${url}/`,
            page_size: 50,
            since: '2026-06-01',
          }),
          { env, now: NOW, clock: fakeClock() },
        ),
      ),
    target: 0,
    itemCases: [
      { id: 'iid a string', change: set('iid', 'seventy-seven'), expect: rejected('iid') },
      { id: 'merged_at not a date', change: set('merged_at', 'garbage'), expect: rejected('merged_at') },
      { id: 'merged_at a number', change: set('merged_at', 5), expect: rejected('merged_at') },
      { id: 'author a number', change: set('author', 5), expect: rejected('author') },
      { id: 'labels a number', change: set('labels', 5), expect: rejected('labels') },
    ],
  },
];

/** Broken bodies for one page: the sync stops with the request named (method and path). */
const PAGE_CASES: { id: string; reply: Reply; reason: RegExp }[] = [
  {
    id: 'HTML instead of JSON',
    reply: {
      headers: { 'content-type': 'text/html' },
      text: '<!doctype html><html><body>Sign in</body></html>',
    },
    reason: /not valid JSON|JSON|html/i,
  },
  { id: 'truncated JSON', reply: { text: '{"data": {"items": [{"a": 1' }, reason: /not valid JSON/i },
  {
    id: 'nested 10,000 deep',
    reply: { text: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
    reason: /deep|nest/i,
  },
  { id: 'an empty body', reply: { text: '' }, reason: /empty|not valid JSON|JSON|shape|expected/i },
  { id: 'a JSON number', reply: { text: '42' }, reason: /expected|no data/i },
];

/** A problem as text, to tell a case's problems from those the fixture's own odd items raise. */
const said = (p: { field: string | null; message: string }) => `${p.field ?? ''}|${p.message}`;

async function observe(
  spec: ConnectorSpec,
  server: ReplayServer,
  good: number,
  baseline: readonly string[] = [],
): Promise<{ o: Observation; bricked: boolean }> {
  const db = await memoryDb();
  try {
    let o: Observation;
    try {
      // A sync that never ends is a defect of its own: measured, not waited for.
      let timer: NodeJS.Timeout | undefined;
      const s = await Promise.race([
        runSync(db, spec.make(server.url)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the sync did not end within 15 s')), 15_000);
        }),
      ]).finally(() => clearTimeout(timer));
      const [row] = await db.query(spec.count ?? `SELECT count(*) AS n FROM outcomes`);
      const known = [...baseline];
      const problems = s.problems.filter((p) => {
        const at = known.indexOf(said(p));
        if (at === -1) return true;
        known.splice(at, 1);
        return false;
      });
      o = { problems, refusal: null, crash: null, stored: Number(row?.n ?? 0), good };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      o =
        e instanceof MileageError
          ? { problems: [], refusal: { message }, crash: null, stored: 0, good }
          : { problems: [], refusal: null, crash: message, stored: 0, good };
    }
    return { o, bricked: (await storeStillWorks(db)) !== null };
  } finally {
    await db.close();
  }
}

/** Runs the forge and tracker connector corpus on one replay server. */
export function runConnectorCorpus(): Promise<Measured[]> {
  return runConnectorSpecs(SPECS);
}

/** Runs every spec's item and page cases on one replay server. */
export async function runConnectorSpecs(specs: readonly ConnectorSpec[]): Promise<Measured[]> {
  const server = await ReplayServer.start();
  const out: Measured[] = [];
  try {
    for (const spec of specs) {
      spec.serve(server, spec.items);
      const baseline = await observe(spec, server, 0);
      const stored = baseline.o.stored;
      // The fixtures hold odd items of their own (the connector tests' cases): their problems are no case's.
      const known = baseline.o.problems.map(said);
      for (const c of spec.itemCases) {
        const items = spec.items.map((it, i) => (i === spec.target ? (c.change(it) as Item) : it));
        spec.serve(server, items);
        const { o, bricked } = await observe(spec, server, stored - 1, known);
        out.push({ ...judge(`${spec.name}:${c.id}`, `connector ${spec.name}`, c.expect, o), bricked });
      }
      spec.serve(server, spec.items);
      for (const p of PAGE_CASES) {
        server.script(spec.page.method, spec.page.path, p.reply);
        const { o, bricked } = await observe(spec, server, stored);
        const named = new RegExp(`${spec.page.method} [^ ]*${escape(spec.page.path)}`);
        const expect: Expect = { outcome: 'refused', reason: p.reason };
        const m = judge(`${spec.name}:page ${p.id}`, `connector ${spec.name}`, expect, o);
        // The failure names the page: the request's method and path.
        m.ok = m.ok && named.test(o.refusal?.message ?? '');
        out.push({ ...m, bricked });
      }
    }
  } finally {
    await server.close();
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
