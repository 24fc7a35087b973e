import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfluenceConnector } from '../src/connectors/confluence/connector.js';
import { runSync } from '../src/connectors/sync/runner.js';
import { emptyDirectory } from '../src/domain/directory.js';
import { costPerMergedPr, costPerWorkflowOutcome } from '../src/metrics/effectiveness.js';
import { ORG, context, outcome, usage } from '../src/metrics/testing/fixture.js';
import type { Db } from '../src/store/db.js';
import { fixture, memoryDb, sourceConfig } from './support/apis.js';
import { confluenceCloud, type ConfluenceSite } from './support/docs-apis.js';
import { fakeClock } from './support/fake-clock.js';
import { ReplayServer } from './support/replay-server.js';

/**
 * A documentation workload measured on documents: a Confluence space mapped to the docs-writing workflow
 * (team docs; its key's workload type `documentation`, no outcome_kind in the file), the workflow's spend
 * from that key, and the space's documents synced from the replayed API.
 */
let server: ReplayServer;
let db: Db;
beforeAll(async () => {
  server = await ReplayServer.start();
  confluenceCloud(server, fixture<ConfluenceSite>('confluence/space-docs.json'));
  db = await memoryDb();
  const connector = createConfluenceConnector(
    sourceConfig('wiki', {
      token_env: 'T',
      base_url: server.url,
      spaces: ['DOCS'],
      since: '2026-06-01',
      workflows: { DOCS: 'docs-writing' },
    }),
    {
      env: { T: 'ATATTdocsWorkloadToken000111' },
      now: () => Date.parse('2026-07-01T00:00:00Z'),
      clock: fakeClock(),
    },
  );
  if (!connector.ok) throw new Error(JSON.stringify(connector.error));
  await runSync(db, connector.value);
  // $4.50 of the documentation key's spend in June; a PR tagged with the workflow is no document.
  await db.appendUsage([
    usage({ day: '2026-06-03', id: 'd1', cost: '1.25', key: 'k-docs', tokens: { input: 1000 } }),
    usage({ day: '2026-06-11', id: 'd2', cost: '2.50', key: 'k-docs', tokens: { input: 2000 } }),
    usage({ day: '2026-06-19', id: 'd3', cost: '0.75', key: 'k-docs', tokens: { input: 500 } }),
  ]);
  await db.appendOutcomes([
    outcome({ day: '2026-06-15', id: 'pr', actor: 'ana@acme.test', points: 2, workflow: 'docs-writing' }),
  ]);
  await db.loadDirectory({
    ...emptyDirectory(),
    ...ORG,
    teams: [...(ORG.teams ?? []), { id: 'docs', name: 'Docs', loadedCostPerEngineer: null }],
    people: (ORG.people ?? []).map((p) =>
      p.id === 'ana'
        ? {
            ...p,
            aliases: [...p.aliases, { kind: 'tracker_id' as const, value: '5b10a2844c20165700ede21g' }],
          }
        : p,
    ),
    keys: [
      ...(ORG.keys ?? []),
      {
        id: 'k-docs',
        name: 'docs-bot',
        owner: null,
        team: 'docs',
        workflow: 'docs-writing',
        workloadType: 'documentation',
      },
    ],
    workflows: [
      ...(ORG.workflows ?? []),
      { id: 'docs-writing', name: 'Docs writing', outcomeKind: null, qualityBar: null, team: 'docs' },
    ],
  });
  await db.refreshLedger();
});
afterAll(async () => {
  await db.close();
  await server.close();
});

describe('a documentation workload', () => {
  it('costs its spend per document published: doc_published outcomes only, by its workload type', async () => {
    const t = await costPerWorkflowOutcome(context(db, '2026-06-01', '2026-06-30'));
    const docs = t.rows.find((r) => r.key === 'docs-writing');
    // 5 documents published or substantially updated in June (connector test's truth); 4.50 / 5 = 0.90.
    expect(docs?.values).toEqual({
      outcome_kind: 'doc_published',
      outcomes: 5,
      spend: '4.5000000000',
      cost_per_outcome: '0.9000000000',
    });
  });

  it("its documents count for the space's team, whoever wrote them, and never as merged PRs", async () => {
    const teams = await db.query(
      `SELECT team_id, person_id, count(*) AS n FROM outcomes_identity WHERE kind = 'doc_published'
       GROUP BY ALL ORDER BY person_id NULLS LAST`,
    );
    // Ana (team alpha) wrote one; the others' account ids are not in the directory.
    expect(teams).toEqual([
      { team_id: 'docs', person_id: 'ana', n: 1 },
      { team_id: 'docs', person_id: null, n: 4 },
    ]);
    const prs = await costPerMergedPr(context(db, '2026-06-01', '2026-06-30'), null);
    expect(prs.rows[0]?.values.count).toBe(1);
  });
});
