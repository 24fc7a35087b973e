import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookRepricer, priceBookFor } from '../../cli/pricing.js';
import { parseOrgFile } from '../../org/load.js';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import { buildServer, type BuiltServer } from '../run-server.js';
import { createToken, type Role } from '../tokens.js';

/**
 * /api/v1/experiments: readers list experiments and read a report, a manager only those all of whose teams
 * are theirs; admins create and replace experiments through the API, validated as mileage.yaml's (a 400 that
 * names the field); an experiment of the file cannot be changed over the API; an edit of the file is seen
 * without a restart.
 */
const ORG = `
org: acme
privacy: { individuals: team, min_group_size: 2 }
teams:
  - { id: payments, name: Payments }
  - { id: data, name: Data }
  - { id: web, name: Web }
people:
  - { id: ann, name: Ann, team: payments, emails: [ann@acme.test] }
  - { id: ben, name: Ben, team: payments, emails: [ben@acme.test] }
  - { id: cat, name: Cat, team: data, emails: [cat@acme.test] }
  - { id: dan, name: Dan, team: data, emails: [dan@acme.test] }
  - { id: eve, name: Eve, team: web, emails: [eve@acme.test] }
experiments:
  - id: pilot
    title: Agents for Payments
    hypothesis: Agents let Payments merge more.
    success: Payments merges 30% more PRs per engineer than before, beyond Data's change.
    treatment: [payments]
    control: [data]
    baseline: { from: 2026-08-24, sprints: 3 }
    test: { from: 2026-10-05, sprints: 3 }
    metrics:
      - { metric: delivery.throughput_per_engineer, target: "+30%" }
      - { metric: effectiveness.cost_per_merged_pr, target: "within $10" }
      - { metric: quality.rework_tax, target: "not rising" }
`;

const API_EXPERIMENT = {
  id: 'web-trial',
  title: 'Agents for Web',
  hypothesis: 'Agents let Web merge more.',
  success: 'Web merges 20% more PRs per engineer.',
  treatment: ['web'],
  control: ['data'],
  baseline: { from: '2026-08-24', weeks: 4 },
  test: { from: '2026-09-21', weeks: 4 },
  metrics: [
    { metric: 'delivery.throughput_per_engineer', target: '+20%' },
    { metric: 'effectiveness.ai_assisted_share', target: '>= 0.5' },
    { metric: 'effectiveness.cycle_time', target: '-10%' },
  ],
};

let dir: string;
let file: string;
let db: Db;
let built: BuiltServer;
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mileage-exp-api-'));
  file = join(dir, 'mileage.yaml');
  await writeFile(file, ORG);
  db = await openStore(':memory:');
  const org = parseOrgFile(ORG, file);
  if (!org.ok) throw new Error(JSON.stringify(org.error));
  await db.loadDirectory(org.value);
  const book = priceBookFor(org.value);
  built = buildServer({
    db,
    org: 'acme',
    privacy: org.value.privacy,
    timeZone: 'UTC',
    book,
    reprice: bookRepricer(book),
    webRoot: null,
    log: () => undefined,
    orgFile: file,
  });
  for (const role of ['admin', 'viewer'] as const)
    tokens[role] = (await createToken(db, { role, teams: null, name: role })).token;
  tokens.manager = (
    await createToken(db, { role: 'manager', teams: ['payments', 'data'], name: 'mgr' })
  ).token;
}, 60_000);

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, role: Role, body?: unknown) {
  const res = await built.app.request(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[role] ?? ''}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const ids = (body: Record<string, unknown>) => (body.experiments as { id: string }[]).map((e) => e.id);

describe('/api/v1/experiments', () => {
  it("lists the file's experiments and reports one: no data is inconclusive, with the reason", async () => {
    expect(ids((await call('GET', '/experiments', 'viewer')).body)).toEqual(['pilot']);
    const report = await call('GET', '/experiments/pilot?as_of=2026-12-07', 'viewer');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      id: 'pilot',
      status: 'finished',
      verdict: 'inconclusive',
      origin: 'file',
    });
    const results = report.body.results as { metric: string; verdict: string; reason: string }[];
    expect(results.map((r) => r.metric)).toEqual([
      'delivery.throughput_per_engineer',
      'effectiveness.cost_per_merged_pr',
      'quality.rework_tax',
    ]);
    expect(results[0]?.reason).toMatch(/^too few merged PRs/);
    expect(report.body.spend).toEqual({
      treatment: { baseline: '0', test: '0' },
      control: { baseline: '0', test: '0' },
    });
    expect((await call('GET', '/experiments/nope', 'viewer')).status).toBe(404);
  });

  it('admins create one; the body is validated as the file is, naming the field', async () => {
    expect((await call('POST', '/experiments', 'viewer', API_EXPERIMENT)).status).toBe(403);
    const bad = await call('POST', '/experiments', 'admin', { ...API_EXPERIMENT, control: ['ops'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('control[0]: no team \\"ops\\"');
    const badTarget = await call('POST', '/experiments', 'admin', {
      ...API_EXPERIMENT,
      metrics: [
        ...API_EXPERIMENT.metrics.slice(0, 2),
        { metric: 'effectiveness.cycle_time', target: 'faster' },
      ],
    });
    expect(badTarget.status).toBe(400);
    expect(JSON.stringify(badTarget.body)).toContain('metrics[2].target');
    const created = await call('POST', '/experiments', 'admin', API_EXPERIMENT);
    expect(created.status).toBe(201);
    expect((await call('POST', '/experiments', 'admin', API_EXPERIMENT)).status).toBe(409);
    expect(ids((await call('GET', '/experiments', 'viewer')).body)).toEqual(['pilot', 'web-trial']);
  });

  it("admins replace an API experiment with PUT, never the file's", async () => {
    const put = await call('PUT', '/experiments/web-trial', 'admin', {
      ...API_EXPERIMENT,
      title: 'Agents for Web, v2',
    });
    expect(put.status).toBe(200);
    expect(put.body.replaced).toBe(true);
    const report = await call('GET', '/experiments/web-trial?as_of=2026-12-07', 'admin');
    expect(report.body).toMatchObject({ title: 'Agents for Web, v2', origin: 'api' });
    const file = await call('PUT', '/experiments/pilot', 'admin', { ...API_EXPERIMENT, id: 'pilot' });
    expect(file.status).toBe(409);
    expect(JSON.stringify(file.body)).toContain('written in mileage.yaml');
    const mismatch = await call('PUT', '/experiments/other', 'admin', API_EXPERIMENT);
    expect(mismatch.status).toBe(400);
  });

  it('a manager sees only experiments all of whose teams are theirs', async () => {
    expect(ids((await call('GET', '/experiments', 'manager')).body)).toEqual(['pilot']);
    expect((await call('GET', '/experiments/pilot', 'manager')).status).toBe(200);
    expect((await call('GET', '/experiments/web-trial', 'manager')).status).toBe(403);
  });

  it('sees an edit of mileage.yaml without a restart, and names a broken section', async () => {
    await writeFile(file, ORG.replace('title: Agents for Payments', 'title: Agents for Payments (edited)'));
    expect((await call('GET', '/experiments/pilot', 'viewer')).body.title).toBe(
      'Agents for Payments (edited)',
    );
    await writeFile(file, ORG.replace('control: [data]', 'control: [nobody]'));
    const broken = await call('GET', '/experiments', 'viewer');
    expect(broken.status).toBe(409);
    expect(JSON.stringify(broken.body)).toContain('experiments[0].control[0]');
    await writeFile(file, ORG);
  });
});
