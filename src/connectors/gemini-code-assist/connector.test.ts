import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, memoryDb, sourceConfig, storedSpend } from '../../../test/support/apis.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { ACCESS_TOKEN, geminiApis, serviceAccountKey, verifiedClaims } from '../../../test/support/google.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { MileageError } from '../../domain/errors.js';
import { identityHash } from '../../domain/ids.js';
import { runSync } from '../sync/runner.js';
import { createGeminiCodeAssistConnector } from './connector.js';

const NOW = Date.parse('2024-10-31T06:00:00Z');

describe('Gemini Code Assist connector', () => {
  let server: ReplayServer;
  let key: string;
  const make = (settings: Record<string, unknown> = {}, env?: Record<string, string>) => {
    const r = createGeminiCodeAssistConnector(
      sourceConfig('gemini', {
        type: 'gemini-code-assist',
        token_env: 'GOOGLE_APPLICATION_CREDENTIALS',
        base_url: server.url,
        since: '2024-10-28',
        projects: [{ id: 'acme-web', team: 'web' }],
        licenses: { billing_account: '012345-6789AB-CDEF01', order: 'ord-1' },
        edition: 'enterprise',
        seat_prices: { enterprise: 45 },
        logging: true,
        page_size: 3,
        ...settings,
      }),
      {
        env: env ?? { GOOGLE_APPLICATION_CREDENTIALS: key },
        now: () => NOW,
        clock: fakeClock(),
        org: 'acme',
      },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  };

  beforeAll(async () => {
    server = await ReplayServer.start();
    geminiApis(server);
    key = serviceAccountKey(server.url);
  });
  afterAll(() => server.close());

  it('stores licences as priced seats, responses and active users per project and day, and active days per person', async () => {
    const db = await memoryDb();
    const s = await runSync(db, make());

    // The truth, computed from the fixtures on their own.
    const users = fixture<{ licensedUsers: { username: string; assignTime: string }[] }>(
      'gemini-code-assist/licensed-users.json',
    ).licensedUsers.filter((u) => !Number.isNaN(Date.parse(u.assignTime)));
    const points = fixture<
      {
        timeSeries: {
          metric: { labels: { method: string } };
          points: { interval: { startTime: string }; value: { int64Value: string } }[];
        }[];
      }[]
    >('gemini-code-assist/time-series.json').flatMap((p) =>
      p.timeSeries.flatMap((t) =>
        t.points
          .filter((x) => Number(x.value.int64Value) >= 0)
          .map((x) => `${x.interval.startTime.slice(0, 10)} ${t.metric.labels.method} ${x.value.int64Value}`),
      ),
    );
    const perDay = new Map<string, number>();
    for (const e of fixture<{ timestamp: string; labels: { user_id?: string } }[]>(
      'gemini-code-assist/log-entries.json',
    ))
      if (e.labels.user_id) {
        const k = `${e.timestamp.slice(0, 10)} ${identityHash(e.labels.user_id)}`;
        perDay.set(k, (perDay.get(k) ?? 0) + 1);
      }

    const seats = await db.query(
      `SELECT actor_hash, plan, CAST(period_start AS VARCHAR) AS start, CAST(monthly_price AS VARCHAR) AS price
       FROM seat_records ORDER BY actor_hash`,
    );
    expect(seats).toEqual(
      users
        .map((u) => ({
          actor_hash: identityHash(u.username),
          plan: 'enterprise',
          start: u.assignTime.slice(0, 10),
          price: '45.0000000000',
        }))
        .sort((a, b) => a.actor_hash.localeCompare(b.actor_hash)),
    );

    const usage = await db.query(
      `SELECT CAST(start_at AS DATE) AS d, requests, CAST(cost AS VARCHAR) AS cost, cost_basis, stream, workspace, team_tag
       FROM usage ORDER BY d, requests`,
    );
    expect(usage.map((u) => `${String(u.d)} ${String(u.requests)}`).sort()).toEqual(
      points.map((p) => `${p.split(' ')[0]} ${p.split(' ')[2]}`).sort(),
    );
    for (const u of usage) {
      expect(u).toMatchObject({
        cost: '0.0000000000',
        cost_basis: 'billed',
        stream: 'gemini-code-assist:acme',
      });
      expect(u).toMatchObject({ workspace: 'acme-web', team_tag: 'web' });
    }

    const activity = await db.query(
      `SELECT CAST(day AS VARCHAR) AS day, actor_hash, interactions FROM seat_activity ORDER BY day, actor_hash`,
    );
    expect(
      new Map(activity.map((a) => [`${String(a.day)} ${String(a.actor_hash)}`, Number(a.interactions)])),
    ).toEqual(perDay);

    // Active users per project and day, daily and over 28 days: each whole reading of the fixture, on the day
    // its aligned point closes (an end at midnight is the day before), with the project's team.
    const readings = fixture<
      {
        timeSeries: {
          metric: { type: string };
          points: { interval: { endTime: string }; value: { int64Value?: string } }[];
        }[];
      }[]
    >('gemini-code-assist/active-users.json').flatMap((p) =>
      p.timeSeries.flatMap((t) =>
        t.points
          .filter((x) => x.value.int64Value !== undefined)
          .map((x) => {
            const day = new Date(Date.parse(x.interval.endTime) - 86_400_000).toISOString().slice(0, 10);
            const period = t.metric.type.endsWith('twenty_eight_day_active_users') ? 28 : 1;
            return `${day} ${period} ${x.value.int64Value}`;
          }),
      ),
    );
    const active = await db.query(
      `SELECT CAST(day AS VARCHAR) AS day, period_days, users, workspace, team_tag FROM reported_active_users`,
    );
    expect(active.map((a) => `${String(a.day)} ${Number(a.period_days)} ${Number(a.users)}`).sort()).toEqual(
      readings.sort(),
    );
    expect(active.every((a) => a.workspace === 'acme-web' && a.team_tag === 'web')).toBe(true);

    // The planted bad items, each at its place in its page: a licence without a time (the 5th, 2nd of page 2),
    // a negative count, an active-user reading that is no whole number, a log entry without a user (the 1st of
    // the day's second page).
    expect(s.problems.map((p) => p.field)).toEqual([
      'licensedUsers[1].assignTime',
      'timeSeries[0].points[1].value.int64Value',
      'timeSeries[0].points[2].value',
      'entries[0].labels.user_id',
    ]);
    await db.close();
  });

  it('asks Monitoring for daily sums per method and Logging for metadata entries without their payload', () => {
    const ts = server.seen('GET', '/v3/projects/acme-web/timeSeries')[0];
    expect(ts?.query.get('aggregation.alignmentPeriod')).toBe('86400s');
    expect(ts?.query.get('filter')).toContain(
      'metric.type="cloudaicompanion.googleapis.com/usage/response_count"',
    );
    expect(ts?.query.get('interval.startTime')).toBe('2024-10-28T00:00:00.000Z');
    expect(ts?.query.get('interval.endTime')).toBe('2024-10-31T00:00:00.000Z');
    expect(ts?.query.get('aggregation.groupByFields')).toBe('metric.label.method');
    // Active users: one request per metric, the day's highest reading, series of the project added.
    const perMetric = new Map(
      server
        .seen('GET', '/v3/projects/acme-web/timeSeries')
        .map((r) => [/metric\.type="([^"]+)"/.exec(r.query.get('filter') ?? '')?.[1], r.query]),
    );
    for (const type of [
      'cloudaicompanion.googleapis.com/usage/responses/daily_active_users',
      'cloudaicompanion.googleapis.com/usage/responses/twenty_eight_day_active_users',
    ]) {
      const q = perMetric.get(type);
      expect(q?.get('aggregation.perSeriesAligner')).toBe('ALIGN_MAX');
      expect(q?.get('aggregation.crossSeriesReducer')).toBe('REDUCE_SUM');
      expect(q?.get('aggregation.groupByFields')).toBeNull();
    }
    const logs = server.seen('POST', '/v2/entries:list');
    expect(logs.length).toBeGreaterThan(3);
    for (const l of logs) {
      expect(l.query.get('fields')).toBe('entries(insertId,timestamp,labels),nextPageToken');
      expect(String((l.json as { filter: string }).filter)).toContain('NOT jsonPayload.@type=');
    }
    // The service account signed for read-only scopes; the key never left the process.
    const token = server.seen('POST', '/token')[0];
    const claims = verifiedClaims(new URLSearchParams(token?.text).get('assertion') ?? '');
    expect(String(claims?.scope)).toContain('monitoring.read');
    expect(claims?.iss).toBe('mileage-reader@acme-ops.iam.gserviceaccount.com');
    const sent = JSON.stringify(server.requests.map((r) => [r.text, r.query.toString()]));
    expect(sent).not.toContain('PRIVATE KEY');
  });

  it('takes an access token or a key file path from the variable, and names the variable when it is neither', async () => {
    const db = await memoryDb();
    const s = await runSync(db, make({}, { GOOGLE_APPLICATION_CREDENTIALS: ACCESS_TOKEN }));
    expect(s.records).toBeGreaterThan(0);
    const path = join(mkdtempSync(join(tmpdir(), 'gca-')), 'key.json');
    writeFileSync(path, key);
    const fromFile = await runSync(await memoryDb(), make({}, { GOOGLE_APPLICATION_CREDENTIALS: path }));
    expect(fromFile.records).toBe(s.records);
    let error: unknown = null;
    try {
      make({}, { GOOGLE_APPLICATION_CREDENTIALS: '{"type": "service_account"}' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MileageError);
    expect(String(error)).toContain('$GOOGLE_APPLICATION_CREDENTIALS');
    expect(String(error)).toContain('client_email');
    await db.close();
  });

  it('killed after any page and resumed: exactly the records of an uninterrupted sync', async () => {
    for (const killAfter of [1, 3, 5]) {
      const r = await killAndResume(() => make(), killAfter, storedSpend);
      expect(r.killError).toEqual(new Error('killed'));
      expect(r.partial.length).toBeLessThan(r.expected.length);
      expect(r.after).toEqual(r.expected);
      expect(r.metaText).not.toContain('PRIVATE KEY');
      expect(r.metaText).not.toContain(ACCESS_TOKEN);
      await r.db.close();
    }
  });
});
