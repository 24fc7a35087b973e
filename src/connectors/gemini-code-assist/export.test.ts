import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, memoryDb, sourceConfig, storedSpend } from '../../../test/support/apis.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { geminiApis, serviceAccountKey } from '../../../test/support/google.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { identityHash } from '../../domain/ids.js';
import { runSync } from '../sync/runner.js';
import { createGeminiCodeAssistConnector } from './connector.js';

const NOW = Date.parse('2024-10-31T06:00:00Z');
const EXPORT = fileURLToPath(new URL('../../../test/fixtures/gemini-code-assist/export', import.meta.url));
const read = <T>(name: string): T => JSON.parse(readFileSync(join(EXPORT, name), 'utf8')) as T;

function make(settings: Record<string, unknown>, env: Record<string, string> = {}) {
  const r = createGeminiCodeAssistConnector(
    sourceConfig('gemini', {
      type: 'gemini-code-assist',
      projects: [{ id: 'acme-web', team: 'web' }],
      edition: 'enterprise',
      seat_prices: { enterprise: 45 },
      ...settings,
    }),
    { env, now: () => NOW, clock: fakeClock(), org: 'acme' },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

type Point = { interval: { startTime?: string; endTime: string }; value: { int64Value?: string } };
type Series = {
  metric: { type: string; labels?: Record<string, string> };
  resource: { labels: Record<string, string> };
  points: Point[];
};
type Entry = {
  insertId: string;
  timestamp: string;
  resource: { type: string };
  labels: { user_id?: string };
  jsonPayload?: { '@type'?: string };
};

describe('Gemini Code Assist from saved exports', () => {
  it('reads Monitoring, Logging and licence exports with no credentials, each file told by its shape', async () => {
    const db = await memoryDb();
    const s = await runSync(db, make({ export: EXPORT }));

    // The truth, from the exports on their own: responses summed per project, method and the UTC day a point's
    // interval ends in (a midnight end closing the day before), a point repeated across files once; active users
    // the day's highest reading per series, series of a project added.
    const series = [
      ...read<{ timeSeries: Series[] }>('monitoring-raw.json').timeSeries,
      ...read<Series[]>('monitoring-list.json'),
    ];
    const dayOf = (end: string) => new Date(Date.parse(end) - 1).toISOString().slice(0, 10);
    const seen = new Set<string>();
    const responses = new Map<string, number>();
    const highest = new Map<string, number>();
    for (const [i, t] of series.entries())
      for (const p of t.points) {
        const n = Number(p.value.int64Value);
        if (!(n >= 0)) continue;
        const once = JSON.stringify([t.metric, t.resource, p.interval.startTime, p.interval.endTime]);
        if (seen.has(once)) continue;
        seen.add(once);
        const project = t.resource.labels.resource_container;
        const day = dayOf(p.interval.endTime);
        if (t.metric.type.endsWith('/response_count')) {
          const k = `${project} ${t.metric.labels?.method} ${day}`;
          responses.set(k, (responses.get(k) ?? 0) + n);
        }
        const period = t.metric.type.endsWith('/daily_active_users')
          ? 1
          : t.metric.type.endsWith('/twenty_eight_day_active_users')
            ? 28
            : null;
        if (period !== null) {
          const k = `${i}|${project} ${period} ${day}`;
          highest.set(k, Math.max(highest.get(k) ?? 0, n));
        }
      }
    const active = new Map<string, number>();
    for (const [k, n] of highest) {
      const key = k.split('|')[1] as string;
      active.set(key, (active.get(key) ?? 0) + n);
    }
    const entries = [...read<Entry[]>('logging-read-1.json'), ...read<Entry[]>('logging-read-2.json')];
    const perDay = new Map<string, number>();
    const counted = new Set<string>();
    for (const e of entries) {
      if (e.resource.type !== 'cloudaicompanion.googleapis.com/Instance') continue;
      if (/RequestLog|ResponseLog/.test(e.jsonPayload?.['@type'] ?? '')) continue;
      if (!e.labels.user_id || counted.has(e.insertId)) continue;
      counted.add(e.insertId);
      const k = `${e.timestamp.slice(0, 10)} ${identityHash(e.labels.user_id)}`;
      perDay.set(k, (perDay.get(k) ?? 0) + 1);
    }

    const usage = await db.query(
      `SELECT workspace, CAST(start_at AS DATE) AS d, requests, team_tag, CAST(cost AS VARCHAR) AS cost, cost_basis
       FROM usage`,
    );
    expect(usage.length).toBe(responses.size);
    const methods = await db.query(`SELECT id, requests FROM usage`);
    expect(methods.reduce((a, r) => a + Number(r.requests), 0)).toBe(
      [...responses.values()].reduce((a, b) => a + b, 0),
    );
    for (const u of usage) {
      expect(u).toMatchObject({ cost: '0.0000000000', cost_basis: 'billed' });
      // acme-api is in the export but not in `projects:`: kept, with no team.
      expect(u.team_tag).toBe(u.workspace === 'acme-web' ? 'web' : null);
    }
    // Per project and day (the method is in the id, not a column): the same sums as the truth.
    const byProjectDay = new Map<string, number>();
    for (const [k, n] of responses) {
      const [project, , day] = k.split(' ');
      byProjectDay.set(`${project} ${day}`, (byProjectDay.get(`${project} ${day}`) ?? 0) + n);
    }
    const stored = new Map<string, number>();
    for (const u of usage) {
      const k = `${String(u.workspace)} ${String(u.d)}`;
      stored.set(k, (stored.get(k) ?? 0) + Number(u.requests));
    }
    expect(stored).toEqual(byProjectDay);

    const users = await db.query(
      `SELECT workspace, period_days, CAST(day AS VARCHAR) AS day, users, team_tag FROM reported_active_users`,
    );
    expect(
      new Map(
        users.map((u) => [
          `${String(u.workspace)} ${Number(u.period_days)} ${String(u.day)}`,
          Number(u.users),
        ]),
      ),
    ).toEqual(active);
    expect(users.every((u) => u.team_tag === 'web')).toBe(true);

    const activity = await db.query(
      `SELECT CAST(day AS VARCHAR) AS day, actor_hash, interactions FROM seat_activity`,
    );
    expect(
      new Map(activity.map((a) => [`${String(a.day)} ${String(a.actor_hash)}`, Number(a.interactions)])),
    ).toEqual(perDay);
    const seats = await db.query(`SELECT count(*) AS n FROM seat_records WHERE monthly_price = 45`);
    expect(Number(seats[0]?.n)).toBe(4);

    // Each planted bad item, at its file and place; the good ones around it kept.
    expect(s.problems.map((p) => [p.file.slice(EXPORT.length + 1), p.field])).toEqual([
      ['licenses.json', 'licensedUsers[4].assignTime'],
      ['logging-read-1.json', '[5].labels.user_id'],
      ['monitoring-list.json', '[0].points[2].value.int64Value'],
    ]);
    await db.close();
  });

  it('a file that is not an export is reported by name and the others are read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gca-export-'));
    writeFileSync(join(dir, 'a.json'), readFileSync(join(EXPORT, 'logging-read-2.json')));
    writeFileSync(join(dir, 'b.json'), '{"kind": "something else"}');
    writeFileSync(join(dir, 'c.json'), '{"timeSeries": [');
    const db = await memoryDb();
    const s = await runSync(db, make({ export: dir }));
    expect(s.problems.map((p) => [p.file, p.message.split(':')[0]])).toEqual([
      [join(dir, 'b.json'), 'not a Gemini Code Assist export'],
      [join(dir, 'c.json'), 'not JSON'],
    ]);
    expect(Number((await db.query('SELECT count(*) AS n FROM seat_activity'))[0]?.n)).toBe(3);
    await db.close();
  });

  it('says which setting is missing: credentials or an export, and a path that does not exist', async () => {
    const r = createGeminiCodeAssistConnector(
      sourceConfig('gemini', { type: 'gemini-code-assist', projects: [{ id: 'acme-web' }] }),
      { env: {}, now: () => NOW },
    );
    expect(r.ok).toBe(false);
    expect(JSON.stringify(!r.ok && r.error)).toContain('gemini.token_env');
    const both = createGeminiCodeAssistConnector(
      sourceConfig('gemini', { type: 'gemini-code-assist', export: EXPORT, logging: true }),
      { env: {}, now: () => NOW },
    );
    expect(JSON.stringify(!both.ok && both.error)).toContain('gemini.logging');
    const missing = join(tmpdir(), 'no-such-gca-export');
    await expect(runSync(await memoryDb(), make({ export: missing }))).rejects.toThrow(
      `sources.gemini.export: ${missing}: no such file or folder`,
    );
  });

  describe('the same answers through the APIs and from a saved export', () => {
    let server: ReplayServer;
    beforeAll(async () => {
      server = await ReplayServer.start();
      geminiApis(server);
    });
    afterAll(() => server.close());

    it('store the same records: one mapping for both paths', async () => {
      const api = await memoryDb();
      await runSync(
        api,
        make(
          {
            token_env: 'GOOGLE_APPLICATION_CREDENTIALS',
            base_url: server.url,
            since: '2024-10-28',
            licenses: { billing_account: '012345-6789AB-CDEF01', order: 'ord-1' },
            logging: true,
          },
          { GOOGLE_APPLICATION_CREDENTIALS: serviceAccountKey(server.url) },
        ),
      );
      // The API's answers saved as files, as they came: a list of timeSeries.list answers, the masked entries, the
      // licence pool's answer.
      const dir = mkdtempSync(join(tmpdir(), 'gca-saved-'));
      for (const name of ['time-series.json', 'active-users.json', 'log-entries.json', 'licensed-users.json'])
        writeFileSync(join(dir, name), JSON.stringify(fixture(`gemini-code-assist/${name}`)));
      const saved = await memoryDb();
      await runSync(saved, make({ export: dir }));
      const a = await storedSpend(api);
      expect(new Set(a.map((r) => r.t))).toEqual(new Set(['usage', 'seat', 'activity', 'active-users']));
      expect(await storedSpend(saved)).toEqual(a);
      await api.close();
      await saved.close();
    });
  });
});
