import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { memoryDb, sourceConfig, storedSpend } from '../../../test/support/apis.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { days } from '../../../test/support/reports.js';
import { MileageError } from '../../domain/errors.js';
import { runSync } from '../sync/runner.js';
import { createCopilotConnector } from './connector.js';

const TOKEN = 'ghp_replayCopilotToken0000000001';
const NOW = Date.parse('2026-07-06T10:00:00Z');
const REPORT_DAYS = days('2026-07-01', 5); // up to yesterday
const BILLING_DAYS = days('2026-07-01', 6); // up to today
const seat = (
  login: string,
  plan: string,
  created: string,
  last: string | null,
  cancel: string | null = null,
) => ({
  created_at: created,
  updated_at: created,
  pending_cancellation_date: cancel,
  last_activity_at: last,
  last_activity_editor: last ? 'vscode/1.99/copilot-chat/0.31' : null,
  plan_type: plan,
  assignee: { login, id: login.length, type: 'User' },
});
const seats = [
  seat('ana', 'business', '2026-03-02T10:00:00Z', '2026-07-05T09:00:00Z'),
  seat('bo', 'enterprise', '2026-01-15T08:00:00Z', '2026-05-01T09:00:00Z'),
  seat('cy', 'business', '2026-06-20T08:00:00Z', null, '2026-07-31'),
];
// users-1-day NDJSON (reference §7.1): one line per person-day; 07-02's second file has a broken line.
const userLine = (login: string, day: string, n: number) =>
  JSON.stringify({
    user_id: login.length,
    user_login: login,
    day,
    organization_id: 'O_kgDOTest',
    user_initiated_interaction_count: n,
    code_generation_activity_count: 2 * n,
    used_chat: true,
  });
const files: Record<string, string> = {};
for (const [i, day] of REPORT_DAYS.entries()) {
  files[`/dl/${day}-1.ndjson`] = `${userLine('ana', day, 10 + i)}\n${i % 2 ? userLine('cy', day, 1) : ''}\n`;
  files[`/dl/${day}-2.ndjson`] =
    day === '2026-07-02' ? `{"user_login": "dee", "day"\n${userLine('dee', day, 4)}\n` : '';
}
const premium = (day: string, i: number) => ({
  timePeriod: { year: 2026, month: 7, day: Number(day.slice(8)) },
  organization: 'acme',
  usageItems: [
    {
      product: 'copilot',
      sku: 'copilot_premium_request',
      model: 'claude-sonnet-4.5',
      unitType: 'requests',
      pricePerUnit: 0.04,
      grossQuantity: 30 + i,
      grossAmount: 1.2 + i * 0.04,
      discountQuantity: 30,
      discountAmount: 1.2,
      netQuantity: i,
      netAmount: i * 0.04,
    },
    {
      product: 'copilot',
      sku: 'copilot_premium_request',
      model: 'gpt-5',
      unitType: 'requests',
      pricePerUnit: 0.04,
      grossQuantity: 3,
      grossAmount: 0.12,
      discountQuantity: 0,
      discountAmount: 0,
      netQuantity: 3,
      netAmount: 0.12,
    },
  ],
});

const SEATS = '/orgs/acme/copilot/billing/seats';
const REPORT = '/orgs/acme/copilot/metrics/reports/users-1-day';
const PREMIUM = '/organizations/acme/settings/billing/premium_request/usage';

let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('GET', SEATS, (req) => {
    const per = Number(req.query.get('per_page'));
    const page = Number(req.query.get('page'));
    const more = page * per < seats.length;
    return {
      json: { total_seats: seats.length, seats: seats.slice((page - 1) * per, page * per) },
      headers: more
        ? { link: `<${server.url}${SEATS}?per_page=${per}&page=${page + 1}>; rel="next"` }
        : undefined,
    };
  });
  server.route('GET', REPORT, (req) => {
    const day = req.query.get('day') ?? '';
    if (day === '2026-07-03' || !REPORT_DAYS.includes(day))
      return { status: 404, json: { message: 'Not Found' } };
    return {
      json: {
        download_links: [`${server.url}/dl/${day}-1.ndjson`, `${server.url}/dl/${day}-2.ndjson`],
        report_day: day,
      },
    };
  });
  for (const [path, text] of Object.entries(files))
    server.route('GET', path, () => ({ text, headers: { 'content-type': 'application/x-ndjson' } }));
  server.route('GET', PREMIUM, (req) => {
    const day = `2026-07-${String(req.query.get('day')).padStart(2, '0')}`;
    return { json: premium(day, BILLING_DAYS.indexOf(day)) };
  });
});
afterAll(() => server.close());

function make(clock = fakeClock()) {
  const r = createCopilotConnector(
    sourceConfig('copilot', {
      token_env: 'GH_COPILOT_TOKEN',
      org: 'acme',
      base_url: server.url,
      since: '2026-07-01',
      page_size: 2,
      seat_prices: { business: 19, enterprise: '39' },
    }),
    { env: { GH_COPILOT_TOKEN: TOKEN }, now: () => NOW, clock },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('GitHub Copilot connector', () => {
  it('syncs seats (Link pagination), the users reports from their signed links, and premium-request billing', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    const s = await runSync(db, make());
    const seen = server.requests.slice(mark);
    expect(seen.filter((r) => r.path === SEATS).map((r) => r.query.get('page'))).toEqual(['1', '2']);
    expect(seen.filter((r) => r.path === REPORT).map((r) => r.query.get('day'))).toEqual(REPORT_DAYS);
    expect(seen.find((r) => r.path === SEATS)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const downloads = seen.filter((r) => r.path.startsWith('/dl/'));
    expect(downloads).toHaveLength(2 * (REPORT_DAYS.length - 1));
    // The token never goes to a download link.
    for (const d of downloads) expect(d.headers.authorization).toBeUndefined();
    expect(
      seen
        .filter((r) => r.path === PREMIUM)
        .map((r) => [r.query.get('year'), r.query.get('month'), r.query.get('day')]),
    ).toEqual(BILLING_DAYS.map((d) => ['2026', '7', String(Number(d.slice(8)))]));
    expect(s.problems.map((p) => `${p.file}:${p.line}`)).toEqual(['users-1-day 2026-07-02 file 2:1']);

    expect(
      await db.query(
        'SELECT actor_hint, plan, period_start, period_end, CAST(monthly_price AS DOUBLE) AS price, CAST(last_activity AS VARCHAR) AS last FROM seat_records ORDER BY actor_hint',
      ),
    ).toEqual([
      {
        actor_hint: 'an••',
        plan: 'business',
        period_start: '2026-03-02',
        period_end: null,
        price: 19,
        last: '2026-07-05 09:00:00+00',
      },
      {
        actor_hint: 'bo••',
        plan: 'enterprise',
        period_start: '2026-01-15',
        period_end: null,
        price: 39,
        last: '2026-05-01 09:00:00+00',
      },
      {
        actor_hint: 'cy••',
        plan: 'business',
        period_start: '2026-06-20',
        period_end: '2026-07-31',
        price: 19,
        last: null,
      },
    ]);
    const reportedDays = REPORT_DAYS.filter((d) => d !== '2026-07-03');
    const activity = await db.query(
      'SELECT actor_hint, count(*) AS days, sum(interactions) AS n FROM seat_activity GROUP BY 1 ORDER BY 1',
    );
    expect(activity).toEqual([
      {
        actor_hint: 'an••',
        days: reportedDays.length,
        n: reportedDays.reduce((n, d) => n + 10 + REPORT_DAYS.indexOf(d), 0),
      },
      {
        actor_hint: 'cy••',
        days: reportedDays.filter((d) => REPORT_DAYS.indexOf(d) % 2).length,
        n: reportedDays.filter((d) => REPORT_DAYS.indexOf(d) % 2).length,
      },
      { actor_hint: 'de••', days: 1, n: 4 },
    ]);
    const billed = BILLING_DAYS.flatMap((d, i) => premium(d, i).usageItems).reduce(
      (t, u) => t.plus(new Decimal(String(u.netAmount))),
      new Decimal(0),
    );
    expect(
      await db.query(
        'SELECT stream, min(cost_basis) AS basis, count(*) AS n, CAST(sum(cost) AS VARCHAR) AS cost FROM usage GROUP BY 1',
      ),
    ).toEqual([
      { stream: 'copilot:acme', basis: 'billed', n: 2 * BILLING_DAYS.length, cost: billed.toFixed(10) },
    ]);
  });

  it('a re-sync over an overlapping window updates seats and stores nothing twice', async () => {
    const db = await memoryDb();
    await runSync(db, make());
    const again = await runSync(db, make(), { since: new Date('2026-07-02T00:00:00Z') });
    expect(again.alreadyStored).toBe(again.records);
    expect((await db.query('SELECT count(*) AS n FROM seat_records'))[0]?.n).toBe(3);
  });

  it('429 Retry-After on a report and a 5xx on a download are retried; malformed JSON stops and resumes', async () => {
    const full = await memoryDb();
    await runSync(full, make());
    server.script('GET', REPORT, { status: 429, headers: { 'retry-after': '60' } });
    server.script('GET', `/dl/${REPORT_DAYS[0] ?? ''}-1.ndjson`, { status: 502 });
    const clock = fakeClock();
    const db = await memoryDb();
    const s = await runSync(db, make(clock));
    expect(clock.waits[0]).toBe(60_000);
    expect(s.retries).toBe(2);
    expect(await storedSpend(db)).toEqual(await storedSpend(full));

    const broken = await memoryDb();
    server.script('GET', PREMIUM, { json: premium('2026-07-01', 0) }, { text: '{"usageItems": [{' });
    const error = await runSync(broken, make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MileageError);
    expect((error as Error).message).toContain('premium_request/usage: the response is not valid JSON');
    expect((error as Error).message).not.toContain(TOKEN);
    await runSync(broken, make());
    expect(await storedSpend(broken)).toEqual(await storedSpend(full));
  });

  it.each([1, 4, 9])(
    'killed after page %i and resumed: the same facts as an uninterrupted sync',
    async (k) => {
      const r = await killAndResume(() => make(), k, storedSpend);
      expect(r.partial.length).toBeLessThan(r.expected.length);
      expect(r.after).toEqual(r.expected);
      expect(r.metaText).not.toContain(TOKEN);
    },
  );
});
