import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQualityBars } from '../../audit/bar-file.js';
import { storedResult, saveAuditRun } from '../../audit/stored-runs.js';
import { listStoredBars } from '../../audit/stored-bars.js';
import { wilson } from '../../audit/statistics.js';
import { installDemoAudit } from '../../cli/demo-audit.js';
import { DEMO_TRIAGE_BAR_LINES } from '../../demo/alert-triage.js';
import { DEMO_AUDIT } from '../../demo/audit-recording.js';
import type { InputError } from '../../domain/errors.js';
import type { Privacy } from '../../domain/directory.js';
import { parseOrgFile } from '../../org/load.js';
import { PriceBook } from '../../pricing/price-book.js';
import { bookRepricer } from '../../cli/pricing.js';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import { buildServer, type BuiltServer } from '../run-server.js';
import { createToken, type Role } from '../tokens.js';

/**
 * The audit endpoints over a store holding the demo's recorded Alert triage run: runs, one run's detail,
 * quality bars per workflow with their versions, and an admin's PUT of a bar (validated as mileage.yaml's,
 * versioned by content), with roles, a manager's scope and person redaction.
 */
const ORG = (bars: string) => `org: audit-test
teams:
  - { id: platform, name: Platform }
  - { id: payments, name: Payments }
people:
  - { id: ana.silva, name: Ana Silva, team: platform }
  - { id: bo.berg, name: Bo Berg, team: payments }
workflows:
  - { id: alert-triage, name: Alert triage, team: platform }
  - { id: refunds, name: Refunds, team: payments }
${bars}
`;
const DEMO_BARS = DEMO_TRIAGE_BAR_LINES.join('\n');

let dir: string;
let orgFile: string;
let db: Db;
const tokens: Record<string, string> = {};

function server(privacy: Privacy = { individuals: 'team', minGroupSize: 3 }): BuiltServer {
  const book = new PriceBook();
  return buildServer({
    db,
    org: 'audit-test',
    privacy,
    timeZone: 'UTC',
    book,
    reprice: bookRepricer(book),
    webRoot: null,
    log: () => undefined,
    orgFile,
    cacheEntries: 100,
  });
}

async function call(s: BuiltServer, path: string, token: string | undefined, init: RequestInit = {}) {
  const res = await s.app.request(path, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & {
      error?: { code: string; message: string; field?: string };
    },
  };
}

const put = (s: BuiltServer, workflow: string, body: unknown, token = tokens.admin) =>
  call(s, `/api/v1/quality-bars/${workflow}`, token, { method: 'PUT', body: JSON.stringify(body) });

/** The demo bar as the API takes it: JSON, no version (the server gives it). */
function demoBarBody(): Record<string, unknown> {
  const { version: _v, ...bar } = parseQualityBars(`org: x\n${DEMO_BARS}\n`, 'mileage.yaml')[0]!;
  return JSON.parse(JSON.stringify(bar)) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-api-'));
  orgFile = join(dir, 'mileage.yaml');
  writeFileSync(orgFile, ORG(DEMO_BARS));
  db = await openStore(':memory:');
  const org = parseOrgFile(ORG(DEMO_BARS), orgFile);
  if (!org.ok) throw new Error(JSON.stringify(org.error));
  await db.loadDirectory(org.value);
  await installDemoAudit(
    db,
    dir,
    ORG(DEMO_BARS),
    'claude-opus-4-1',
    new Date('2026-11-16T00:00:00Z'),
    new PriceBook(),
  );
  // A run of another team's workflow, for a manager's scope, whose failing case id names a person.
  const demo = await storedResult(db, DEMO_AUDIT.runId);
  if (!demo) throw new Error('the demo run is not stored');
  const result = JSON.parse(
    JSON.stringify(demo.result).replaceAll('alert-', 'ana.silva-alert-'),
  ) as typeof demo.result;
  await saveAuditRun(db, {
    id: 'refunds-run',
    workflow: 'refunds',
    finishedAt: '2026-11-10T00:00:00Z',
    result: { ...result, bar: { workflow: 'refunds', version: 1 } },
  });
  for (const [role, teams] of [
    ['admin', null],
    ['viewer', null],
    ['ingest', null],
    ['manager', ['payments']],
  ] as [Role, string[] | null][])
    tokens[role] = (await createToken(db, { role, teams, name: `${role} token` })).token;
}, 60_000);
afterAll(async () => db?.close());

describe('audit runs through the API', () => {
  it('lists the stored runs, newest first, of one workflow when asked', async () => {
    const s = server();
    const all = await call(s, '/api/v1/audits', tokens.viewer);
    expect(all.status).toBe(200);
    const runs = all.body.runs as {
      id: string;
      workflow: string;
      barVersion: number;
      candidates: {
        model: string;
        verdict: string;
        interval: { low: number; high: number };
        required: number;
      }[];
    }[];
    expect(runs.map((r) => r.id)).toEqual(['refunds-run', DEMO_AUDIT.runId]);
    const one = await call(s, '/api/v1/audits?workflow=alert-triage', tokens.viewer);
    const [demo] = one.body.runs as typeof runs;
    expect(demo).toMatchObject({
      id: DEMO_AUDIT.runId,
      workflow: 'alert-triage',
      workflowLabel: 'Alert triage',
      barVersion: 3,
      cases: 500,
      incumbent: 'claude-opus-4-1',
    });
    expect(demo?.candidates[0]).toMatchObject({ model: 'claude-haiku-4-5', verdict: 'move' });
    expect((await call(s, '/api/v1/audits?limit=0', tokens.viewer)).status).toBe(400);
  });

  it("answers one run's detail: verdicts, Wilson intervals, paired comparison, costs, latency, failing cases by id", async () => {
    const s = server();
    const res = await call(s, `/api/v1/audits/${DEMO_AUDIT.runId}`, tokens.viewer);
    expect(res.status).toBe(200);
    const stored = (await storedResult(db, DEMO_AUDIT.runId))!.result;
    const body = res.body as {
      run: { barVersion: number; cases: number; auditCost: string };
      incumbent: { model: string; costPerCase: string | null; latencyMs: { p50: number; p95: number } };
      candidates: {
        model: string;
        verdict: string;
        costPerCase: string | null;
        monthlySaving: string | null;
        latencyMs: { p50: number; p95: number };
        requirements: {
          name: string;
          passed: number;
          n: number;
          rate: number;
          required: number;
          interval: { low: number; high: number };
          paired: { mcnemarP: number; onlyIncumbent: number; onlyCandidate: number } | null;
          failureCount: number;
          failures: { caseId: string; trial: number; why: string }[];
        }[];
      }[];
    };
    expect(body.run).toMatchObject({ barVersion: 3, cases: 500, auditCost: stored.auditCost });
    expect(body.incumbent.model).toBe('claude-opus-4-1');
    const haiku = body.candidates[0]!;
    expect(haiku.verdict).toBe('move');
    expect(haiku.costPerCase).toBe(stored.candidates[0]!.figures.costPerCase);
    expect(haiku.monthlySaving).toBe(stored.candidates[0]!.monthlySaving);
    expect(haiku.latencyMs.p95).toBeGreaterThan(haiku.latencyMs.p50);
    const same = haiku.requirements.find((r) => r.name === 'same severity as the on-call rating')!;
    expect(same.required).toBe(0.95);
    expect(same.passed).toBe(same.n - 4);
    // The interval is Wilson's at these counts; the paired comparison counts the 4 cases only the incumbent passed.
    expect(same.interval).toEqual(wilson(same.passed, same.n));
    expect(same.paired).toMatchObject({ onlyIncumbent: 4, onlyCandidate: 0 });
    expect(same.paired!.mcnemarP).toBeCloseTo(0.125, 10); // exact two-sided: 2 × 0.5^4
    expect(same.failureCount).toBe(4);
    expect(same.failures.map((f) => f.caseId)).toEqual(
      stored.candidates[0]!.requirements[1]!.failures.map((f) => f.caseId),
    );
    expect(same.failures[0]!.why).toMatch(/severity/);
    // Figures and case ids only: no answer or request text.
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/"text"|"request"|"team":|service=/);
    expect((await call(s, '/api/v1/audits/no-such-run', tokens.viewer)).status).toBe(404);
  });
});

describe('quality bars through the API', () => {
  it("lists each workflow's bar with its versions and where each is written", async () => {
    const res = await call(server(), '/api/v1/quality-bars', tokens.viewer);
    expect(res.status).toBe(200);
    const workflows = res.body.workflows as {
      workflow: string;
      current: number | null;
      versions: { version: number; sources: string[] }[];
    }[];
    expect(workflows.map((w) => w.workflow)).toEqual(['alert-triage', 'refunds']);
    expect(workflows[0]).toMatchObject({ current: 3, versions: [{ version: 3, sources: ['mileage.yaml'] }] });
    expect(workflows[1]).toMatchObject({ current: null, versions: [] });
  });

  it('versions a PUT bar by content: the same bar keeps its version, a changed one gets the next', async () => {
    const s = server();
    const same = await put(s, 'alert-triage', demoBarBody());
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 3, changed: false });
    expect(await listStoredBars(db, 'alert-triage')).toEqual([]);

    const changed = demoBarBody();
    (changed.requirements as { pass_rate: number }[])[1]!.pass_rate = 0.97;
    const v4 = await put(s, 'alert-triage', changed);
    expect(v4.status).toBe(201);
    expect(v4.body).toMatchObject({ version: 4, changed: true });
    // Key order and defaults (trials: 1) do not make a change.
    const reordered = Object.fromEntries(
      Object.entries(changed)
        .reverse()
        .filter(([k]) => k !== 'trials'),
    );
    expect((await put(s, 'alert-triage', reordered)).body).toMatchObject({ version: 4, changed: false });
    const bars = (await call(s, '/api/v1/quality-bars/alert-triage', tokens.viewer)).body;
    expect(bars).toMatchObject({
      current: 4,
      versions: [
        { version: 3, sources: ['mileage.yaml'] },
        { version: 4, sources: ['api'] },
      ],
    });
    expect(
      (bars.versions as { bar: { requirements: { pass_rate: number }[] } }[])[1]!.bar.requirements[1]!
        .pass_rate,
    ).toBe(0.97);

    // A version in the body is an expectation: a stale one writes nothing.
    const again = { ...changed, description: 'Stricter.', version: 4 };
    const stale = await put(s, 'alert-triage', again);
    expect(stale.status).toBe(409);
    expect(stale.body.error?.field).toBe('version');
    expect((await put(s, 'alert-triage', { ...again, version: 5 })).body).toMatchObject({
      version: 5,
      changed: true,
    });
    // A bar for a workflow without one starts at version 1.
    const { margin: _m, workflow: _w, ...refunds } = demoBarBody();
    expect((await put(s, 'refunds', refunds)).body).toMatchObject({
      workflow: 'refunds',
      version: 1,
      changed: true,
    });
  });

  it('refuses an invalid bar with 400 naming the field, as mileage.yaml would', async () => {
    const s = server();
    const cases: [string, (b: Record<string, unknown>) => void][] = [
      ['requirements.0.pass_rate', (b) => ((b.requirements as { pass_rate: number }[])[0]!.pass_rate = 1.5)],
      [
        'requirements.1.checks.0.kind',
        (b) => ((b.requirements as { checks: { kind: string }[] }[])[1]!.checks[0]!.kind = 'looks_right'),
      ],
      ['requirements', (b) => (b.requirements = [])],
      ['margin', (b) => (b.margin = 'small')],
    ];
    for (const [field, spoil] of cases) {
      const body = demoBarBody();
      spoil(body);
      const res = await put(s, 'alert-triage', body);
      expect(res.status, field).toBe(400);
      expect(res.body.error?.field, field).toBe(field);
      expect(res.body.error?.message, field).toContain(field);
      // The yaml path refuses the same bar at the same field.
      const yamlBar = { workflow: 'alert-triage', version: 9, ...body };
      let yamlField: string | null = null;
      try {
        parseQualityBars(JSON.stringify({ org: 'x', quality_bars: [yamlBar] }), 'mileage.yaml');
      } catch (error) {
        yamlField = (error as InputError).field;
      }
      expect(yamlField, field).toBe(`quality_bars.0.${field}`);
    }
    expect((await put(s, 'alert-triage', { ...demoBarBody(), workflow: 'refunds' })).body.error?.field).toBe(
      'workflow',
    );
    expect((await put(s, 'bad id!', demoBarBody())).status).toBe(400);
    const notJson = await s.app.request('/api/v1/quality-bars/alert-triage', {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.admin}` },
      body: '{ nope',
    });
    expect(notJson.status).toBe(400);
  });

  it('lets only an admin write a bar; an ingest token reads nothing; no token is 401', async () => {
    const s = server();
    for (const role of ['viewer', 'manager', 'ingest'])
      expect((await put(s, 'refunds', demoBarBody(), tokens[role])).status, role).toBe(403);
    const anonymous = await s.app.request('/api/v1/quality-bars/refunds', {
      method: 'PUT',
      body: JSON.stringify(demoBarBody()),
    });
    expect(anonymous.status).toBe(401);
    for (const path of [
      '/api/v1/audits',
      `/api/v1/audits/${DEMO_AUDIT.runId}`,
      '/api/v1/quality-bars',
      '/api/v1/quality-bars/refunds',
    ]) {
      expect((await call(s, path, tokens.ingest)).status, path).toBe(403);
      expect((await call(s, path, undefined)).status, path).toBe(401);
    }
  });

  it("shows a manager only their teams' workflows", async () => {
    const s = server();
    const m = tokens.manager;
    const runs = (await call(s, '/api/v1/audits', m)).body.runs as { workflow: string }[];
    expect(runs.map((r) => r.workflow)).toEqual(['refunds']);
    expect((await call(s, `/api/v1/audits/${DEMO_AUDIT.runId}`, m)).status).toBe(404);
    expect((await call(s, '/api/v1/audits?workflow=alert-triage', m)).status).toBe(403);
    expect((await call(s, '/api/v1/quality-bars/alert-triage', m)).status).toBe(403);
    const bars = (await call(s, '/api/v1/quality-bars', m)).body.workflows as { workflow: string }[];
    expect(bars.map((w) => w.workflow)).toEqual(['refunds']);
  });

  it('names no person where individuals are hidden, whatever text a bar or a case id holds', async () => {
    const named = { ...demoBarBody(), description: 'Ana Silva signs off every change.' };
    expect((await put(server(), 'alert-triage', named)).status).toBe(201);
    const hidden = server({ individuals: 'hidden', minGroupSize: 3 });
    for (const path of [
      '/api/v1/audits',
      '/api/v1/audits/refunds-run',
      '/api/v1/quality-bars',
      '/api/v1/quality-bars/alert-triage',
    ]) {
      const text = JSON.stringify((await call(hidden, path, tokens.viewer)).body).toLowerCase();
      expect(text, path).not.toMatch(/ana silva|ana\.silva|bo berg|bo\.berg/);
    }
    const detail = JSON.stringify((await call(hidden, '/api/v1/audits/refunds-run', tokens.viewer)).body);
    expect(detail).toContain('(a person)-alert-');
    // Where people may be named (privacy "team", an admin), the text is as written.
    const shown = JSON.stringify(
      (await call(server(), '/api/v1/quality-bars/alert-triage', tokens.admin)).body,
    );
    expect(shown).toContain('Ana Silva signs off');
    // An admin asking for what everyone would see (audience=viewer) gets it redacted, as a viewer would.
    const asViewer = JSON.stringify(
      (await call(server(), '/api/v1/quality-bars/alert-triage?audience=viewer', tokens.admin)).body,
    );
    expect(asViewer).not.toContain('Ana Silva');
    expect(asViewer).toContain('(a person) signs off');
  });

  it('reads mileage.yaml again on each call, and refuses a version written twice with different content', async () => {
    const s = server();
    const current = (await call(s, '/api/v1/quality-bars/alert-triage', tokens.admin)).body as {
      current: number;
    };
    // mileage.yaml gains a different bar under the API's latest version.
    const clash = DEMO_BARS.replace('version: 3', `version: ${current.current}`);
    writeFileSync(orgFile, ORG(`${DEMO_BARS}\n${clash.replace('quality_bars:\n', '')}`));
    try {
      const bars = (await call(s, '/api/v1/quality-bars/alert-triage', tokens.admin)).body as {
        conflicts: string[];
      };
      expect(bars.conflicts).toHaveLength(1);
      expect(bars.conflicts[0]).toContain(`version ${current.current}`);
      expect((await put(s, 'alert-triage', demoBarBody())).status).toBe(409);
    } finally {
      writeFileSync(orgFile, ORG(DEMO_BARS));
    }
  });
});
