import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Privacy } from '../domain/directory.js';
import { buildStore, ORG, usage } from '../metrics/testing/fixture.js';
import type { Db } from '../store/db.js';
import { resolveSubject } from './budget-subject.js';
import { alertsSchema } from './config.js';
import { ruleContext } from './evaluate.js';

let db: Db;
beforeAll(async () => {
  db = await buildStore(
    ORG,
    [
      usage({ day: '2026-11-02', id: 'a', cost: '10', actor: 'ana@acme.test', tokens: { input: 10 } }),
      usage({ day: '2026-11-02', id: 'b', cost: '10', actor: 'bo@acme.test', tokens: { input: 10 } }),
      usage({ day: '2026-11-02', id: 'c', cost: '10', actor: 'cy@acme.test', tokens: { input: 10 } }),
    ],
    [],
  );
});
afterAll(async () => db.close());

const settings = (audience: 'viewer' | 'team') => ({
  enabled: true,
  budgets: [],
  alerts: alertsSchema.parse({ audience }),
});
const ctx = (privacy: Privacy, audience: 'viewer' | 'team' = 'viewer') =>
  ruleContext({ db, settings: settings(audience), privacy, asOf: '2026-11-03' });

describe('how an alert body names a budget subject', () => {
  it('a person only where the audience may see people; else "a person in" their team', async () => {
    const team: Privacy = { individuals: 'team', minGroupSize: 1 };
    expect((await resolveSubject(await ctx(team), 'person', 'ana')).label).toBe('a person in Alpha');
    expect((await resolveSubject(await ctx(team, 'team'), 'person', 'ana')).label).toBe('Ana Quill');
    expect(
      (await resolveSubject(await ctx({ individuals: 'visible', minGroupSize: 1 }), 'person', 'ana')).label,
    ).toBe('Ana Quill');
    expect(
      (await resolveSubject(await ctx({ individuals: 'hidden', minGroupSize: 1 }, 'team'), 'person', 'ana'))
        .label,
    ).toBe('a person in Alpha');
  });

  it('a team below the minimum group size is "a team" (and so is the one that would give it away); a workflow and a shared key by name', async () => {
    const c = await ctx({ individuals: 'team', minGroupSize: 2 });
    expect((await resolveSubject(c, 'team', 'beta')).label).toBe('a team'); // Cy alone
    // …and Alpha with it: the org's total minus Alpha would otherwise single Cy out (complementary suppression).
    expect((await resolveSubject(c, 'team', 'alpha')).label).toBe('a team');
    const loose = await ctx({ individuals: 'team', minGroupSize: 1 });
    expect((await resolveSubject(loose, 'team', 'alpha')).label).toBe('Alpha');
    expect(await resolveSubject(c, 'workflow', 'wf-triage')).toMatchObject({
      label: 'the Triage workflow',
      teamId: 'alpha',
    });
    expect(await resolveSubject(c, 'key', 'k-bot')).toMatchObject({
      label: 'the API key triage-bot',
      teamId: 'alpha',
    });
  });
});
