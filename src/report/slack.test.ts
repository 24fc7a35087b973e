import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WeeklyReport } from '../diagnostics/weekly.js';
import { usd } from '../domain/money.js';
import { postToSlack, weeklySlackMessage } from './slack.js';

const report: WeeklyReport = {
  org: 'acme <ops>',
  window: { since: '2026-10-19', until: '2026-11-16' },
  varianceWindow: { since: '2026-08-24', until: '2026-11-16' },
  changes: {
    previous: { since: '2026-10-12', until: '2026-11-09' },
    newFindings: [
      {
        id: 'variance.cost_per_pr_spread',
        question: 'Is anyone spending far more than their peers on similar work?',
        summary: 'one engineer in Platform spends 4.1x the team median <!channel>.',
      },
    ],
    cleared: [
      { id: 'anomaly.daily_spike', question: 'Did any day cost far more than usual?', summary: 'A spike.' },
    ],
    stillFlagged: [],
    headline: [
      { id: 'spend', label: 'AI spend', unit: 'usd', before: usd('1100'), after: usd('1234.5') },
      { id: 'merged_prs', label: 'merged PRs', unit: 'count', before: 40, after: 40 },
    ],
  },
  headline: {
    spend: usd('1234.5'),
    mergedPrs: 40,
    deliveryPoints: 90,
    costPerMergedPr: usd('12.25'),
    top5Share: 0.8,
    unpricedTokens: 0,
    unpricedModels: [],
    byBasis: [],
    prSpendBySession: null,
  },
  topWorkloads: [],
  byTeam: [],
  findings: [
    {
      id: 'spend.by_workload',
      section: 'where',
      flag: false,
      question: 'Where did the money go?',
      answer: '$1,234.50; alert-triage-bot 60%.',
      evidence: {},
      metricIds: ['spend.by_workload'],
      action: null,
    },
    {
      id: 'variance.cost_per_pr_spread',
      section: 'variance',
      flag: true,
      question: 'Is anyone spending far more than their peers on similar work?',
      answer: 'one engineer in Platform spends 4.1x the team median <!channel>.',
      evidence: { person: 'hidden' },
      metricIds: ['variance.cost_per_pr_spread'],
      action: 'Ask, not grade.',
      owner: "the Platform team's coach",
    },
  ],
  coverage: [],
  weeks: [],
};

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function receiver(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secret-path`;
}

const noWait = { sleep: () => Promise.resolve(), backoffMs: () => 0 };

describe('Slack notifier', () => {
  it('posts Block Kit JSON with the headline and flagged findings first, markup from data made inert', async () => {
    const seen: { method?: string; type?: string; path?: string; body?: unknown } = {};
    const url = await receiver((req, body, res) => {
      Object.assign(seen, {
        method: req.method,
        type: req.headers['content-type'],
        path: req.url,
        body: JSON.parse(body) as unknown,
      });
      res.end('ok');
    });
    const posted = await postToSlack(url, weeklySlackMessage(report), noWait);
    expect(posted).toEqual({ ok: true, value: { attempts: 1 } });
    expect(seen).toMatchObject({
      method: 'POST',
      type: 'application/json',
      path: '/services/T000/B000/secret-path',
    });
    const msg = seen.body as {
      text: string;
      blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
    };
    expect(msg.text).toContain(
      '$1,234.50 of AI spend, 40 merged PRs, $12.25 per merged PR; 1 finding flagged.',
    );
    expect(msg.text).toContain('acme &lt;ops&gt;');
    expect(msg.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Mileage weekly — acme <ops>' },
    });
    expect(msg.text).toContain('Since last Monday: 1 new, 1 cleared.');
    expect(msg.blocks[3]?.fields?.map((f) => f.text)).toEqual([
      '*AI spend*\n$1,234.50',
      '*Merged PRs*\n40',
      '*Cost per merged PR*\n$12.25',
      '*Top-5 share*\n80%',
    ]);
    const sections = msg.blocks.filter((b) => b.type === 'section' && b.text).map((b) => b.text?.text ?? '');
    // What changed since last Monday leads, its text from data inert like the rest.
    expect(sections[0]).toMatch(/^\*What changed since last Monday\*\n/);
    expect(sections[0]).toContain('AI spend $1,234.50, up $134.50 (+12.2%) from $1,100.00');
    expect(sections[0]).toContain('merged PRs 40, unchanged');
    expect(sections[0]).toContain('New: Is anyone spending far more');
    expect(sections[0]).toContain('Cleared: Did any day cost far more than usual? (last week: A spike.)');
    expect(sections[0]).not.toContain('<!channel>');
    expect(sections[1]).toMatch(/^:small_red_triangle: \*Is anyone spending far more/);
    expect(sections[1]).toContain('&lt;!channel&gt;');
    expect(sections[1]).not.toContain('<!channel>');
    expect(sections[1]).toContain("_Next (owner: the Platform team's coach):_ Ask, not grade.");
    expect(sections[2]).toContain('*Where did the money go?*');
  });

  it('retries on 5xx and on 429 after Retry-After, then succeeds', async () => {
    const statuses = [503, 429, 200];
    const waits: number[] = [];
    let calls = 0;
    const url = await receiver((_req, _body, res) => {
      const status = statuses[calls++] ?? 200;
      res.writeHead(status, status === 429 ? { 'retry-after': '2' } : {});
      res.end();
    });
    const posted = await postToSlack(
      url,
      { text: 'x' },
      {
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
        backoffMs: (n) => 100 * (n + 1),
      },
    );
    expect(posted).toEqual({ ok: true, value: { attempts: 3 } });
    expect(waits).toEqual([100, 2000]);
  });

  it('gives up on a 4xx at once and after the retries on 5xx, never repeating the URL', async () => {
    let calls = 0;
    const bad = await receiver((_req, _body, res) => {
      calls++;
      res.writeHead(404);
      res.end('no_service');
    });
    const gone = await postToSlack(bad, { text: 'x' }, noWait);
    expect(gone).toEqual({ ok: false, error: 'the Slack webhook answered HTTP 404' });
    expect(calls).toBe(1);

    const down = await receiver((_req, _body, res) => {
      res.writeHead(500);
      res.end();
    });
    const failed = await postToSlack(down, { text: 'x' }, { ...noWait, retries: 2 });
    expect(failed).toEqual({ ok: false, error: 'the Slack webhook answered HTTP 500, after 3 attempts' });

    const closed = down.replace(/:\d+\//, ':1/');
    const refused = await postToSlack(closed, { text: 'x' }, { ...noWait, retries: 0 });
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).not.toContain('secret-path');
    expect(JSON.stringify(refused)).not.toContain('127.0.0.1');
  });
});
