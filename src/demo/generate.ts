import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sizePoints } from '../domain/points.js';
import { addDays, daysBetween, parseDay } from '../domain/time.js';
import { BOT_KEYS, ORG, TEAMS, makePeople, orgYaml, type DemoPerson } from './org.js';
import type { DemoFileKind, DemoManifest, DemoOptions } from './options.js';
import { approxCost, exactCost, type DemoModel, type Tokens } from './prices.js';
import { makeRng, type Rng } from './rng.js';

const WS_CODE = 'wrkspc_claude_code';
const WS_PROD = 'wrkspc_production';
/** Billed = list × 0.9: the demo org negotiated 10% off. */
const BILLED_FACTOR = '0.9';
/** How much of the period lies between the middles of the first and the last four weeks (growth exponent). */
const EDGE_SPAN = 0.85;
/** Claude Code requests per engineer per working day at the start (bigger requests keep the files small). */
const REQUESTS_PER_DAY = 7;

interface DayUsage {
  key: string;
  workspace: string;
  model: DemoModel;
  tokens: Tokens;
}

interface Pr {
  repo: string;
  number: number;
  author: DemoPerson;
  branch: string;
  opened: string;
  merged: string;
  lines: number;
  files: number;
  labels: string[];
  revert: boolean;
  ai: boolean;
  ticket: string;
}

const add = (a: Tokens, b: Tokens): Tokens => ({
  input: a.input + b.input,
  cacheRead: a.cacheRead + b.cacheRead,
  cacheWrite: a.cacheWrite + b.cacheWrite,
  output: a.output + b.output,
});

function isWeekend(day: string): boolean {
  const dow = parseDay(day).getUTCDay();
  return dow === 0 || dow === 6;
}

function at(dayMs: number, rng: Rng): string {
  const seconds = 13 * 3600 + rng.int(9 * 3600);
  return new Date(dayMs + seconds * 1000 + rng.int(1000)).toISOString();
}

/** Generates the demo in memory: path → content. */
export function buildDemo(o: DemoOptions): {
  files: Map<string, { kind: DemoFileKind | 'org'; text: string }>;
  truth: DemoManifest['truth'];
} {
  const rng = makeRng(o.seed);
  const days = Math.round((o.months * 30.44) / 7) * 7;
  const start = addDays(o.end, -days);
  const people = makePeople(o.engineers, rng);
  const e = o.effects;
  const files = new Map<string, { kind: DemoFileKind | 'org'; text: string }>();
  files.set('mileage.yaml', { kind: 'org', text: orgYaml(people) });

  // Variable spend grows so that total spend (seats included) grows by `spendGrowth` edge to edge.
  const seatsPerDay = (people.length * 19 + people.filter((p) => p.team === 'frontend').length * 40) / 30.44;
  const perRequest = 0.3;
  const engineersPerDay = people.length * REQUESTS_PER_DAY * perRequest * (5 / 7);
  const alertPerDay = 330 * (e.modelFit ? 0.12 : 0.008) * (6 / 7 + 0.7 / 7);
  const variableStart = (engineersPerDay + alertPerDay + 9) * 0.9;
  const variableGrowth = Math.max(
    1,
    (e.spendGrowth * (variableStart + seatsPerDay) - seatsPerDay) / variableStart,
  );
  const spendCurve = (t: number) =>
    Math.pow(variableGrowth, t / EDGE_SPAN) / Math.pow(variableGrowth, 0.075 / EDGE_SPAN);
  const deliveryCurve = (t: number) =>
    Math.pow(e.deliveryGrowth, t / EDGE_SPAN) / Math.pow(e.deliveryGrowth, 0.075 / EDGE_SPAN);

  const payments = people.filter((p) => p.team === 'payments');
  const heavy = (payments[1] ?? people[1] ?? people[0]) as DemoPerson;
  const spiker = (people[2] ?? people[0]) as DemoPerson;
  const withoutLogs = new Set(people.slice(-2).map((p) => p.id));
  const personal = new Map(people.map((p) => [p.id, rng.lognormal(1, 0.15)]));
  const alertModel: DemoModel = e.modelFit ? 'claude-opus-4-1' : 'claude-haiku-4-5';
  let spikeDay: string | null = null;
  if (e.spike) {
    spikeDay = addDays(o.end, -18);
    while (isWeekend(spikeDay)) spikeDay = addDays(spikeDay, -1);
  }

  // Delivery first: each engineer's PRs, so sessions can work on the branch of the PR they lead to.
  const prs: Pr[] = [];
  const prNumbers = new Map<string, number>();
  const branchOn = new Map<string, string>(); // person|day index → branch
  for (const person of people) {
    const repo = TEAMS.find((t) => t.id === person.team)?.repo ?? 'misc';
    let opened = start;
    let openedIndex = 0;
    for (let d = 0; d < days; d++) {
      const day = addDays(start, d);
      if (isWeekend(day)) continue;
      const merges = rng.poisson(0.6 * deliveryCurve(d / (days - 1)));
      for (let k = 0; k < merges; k++) {
        const t = d / (days - 1);
        const number = (prNumbers.get(repo) ?? 100) + 1;
        prNumbers.set(repo, number);
        const reworkShare = e.reworkRise ? 0.05 + 0.15 * t : 0.07;
        const rework = rng.next() < reworkShare;
        const revert = rework && rng.next() < 0.5;
        const feature = rng.next() < 0.6;
        const ticket = `${repo.slice(0, 4).toUpperCase()}-${number + 100}`;
        const lines = Math.max(2, Math.round(rng.lognormal(120, 0.9)));
        const branch = `${feature ? 'feat' : 'fix'}/${ticket}-${rng.hex(4)}`;
        prs.push({
          repo,
          number,
          author: person,
          branch,
          opened,
          merged: day,
          lines,
          files: 1 + Math.floor((lines / 40) * rng.next()),
          labels:
            rework && !revert ? ['regression'] : [feature ? 'feature' : rng.next() < 0.5 ? 'chore' : 'bug'],
          revert,
          ai: !withoutLogs.has(person.id) && rng.next() < 0.7,
          ticket,
        });
        for (let x = openedIndex; x <= d; x++) branchOn.set(`${person.id}|${x}`, branch);
        opened = day;
        openedIndex = d;
      }
    }
  }

  // Spend: engineers' Claude Code requests (logs), bots (usage report), support bot (gateway CSV).
  const usageByDay = new Map<string, Map<string, DayUsage>>();
  const record = (day: string, u: DayUsage) => {
    const key = `${u.key}|${u.workspace}|${u.model}`;
    const byKey = usageByDay.get(day) ?? new Map<string, DayUsage>();
    usageByDay.set(day, byKey);
    const prev = byKey.get(key);
    byKey.set(key, prev ? { ...prev, tokens: add(prev.tokens, u.tokens) } : u);
  };
  const logLines = new Map<string, string[]>(); // file → lines
  const cursorUsers = people.filter((p) => p.team === 'frontend');
  const cursorEvents: unknown[] = [];
  const outcomes: string[] = ['at,workflow,kind,count,value,actor,ref'];
  const gateway: string[] = [
    'timestamp,tool,provider,model,input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,reasoning_tokens,requests,cost_usd,cost_basis,key_id,user,workflow,session_id,repo,branch,stream',
  ];
  const supportModel = e.unpriced
    ? { provider: 'self-hosted', model: 'acme-support-ft-v3' }
    : { provider: 'openai', model: 'gpt-4.1-mini' };

  for (let d = 0; d < days; d++) {
    const day = addDays(start, d);
    const dayMs = parseDay(day).getTime();
    const t = d / (days - 1);
    const weekend = isWeekend(day);
    const growth = spendCurve(t);
    let dayCost = 0;
    const sessionFor = (person: DemoPerson, requests: number, loop: boolean) => {
      const repo = TEAMS.find((x) => x.id === person.team)?.repo ?? 'misc';
      const session = rng.uuid();
      const branch = branchOn.get(`${person.id}|${d}`) ?? 'main';
      const file = `claude/projects/-home-${person.login}-src-${repo}/${session}.jsonl`;
      const lines: string[] = [];
      for (let r = 0; r < requests; r++) {
        const model: DemoModel = rng.next() < 0.1 + 0.25 * t ? 'claude-opus-4-6' : 'claude-sonnet-4-6';
        const tokens: Tokens = {
          input: 5 + rng.int(200),
          cacheRead: Math.round(rng.between(140_000, 700_000) * (loop ? 2 : 1)),
          cacheWrite: 1200 + rng.int(10_000),
          output: 700 + rng.int(7500),
        };
        dayCost += approxCost(model, tokens);
        record(day, { key: person.keyId, workspace: WS_CODE, model, tokens });
        if (withoutLogs.has(person.id)) continue;
        const ts = at(dayMs, rng);
        const msg = `msg_01${rng.hex(22)}`;
        const req = `req_011C${rng.hex(20)}`;
        const usage = (output: number) =>
          `{"input_tokens":${tokens.input},"cache_creation_input_tokens":${tokens.cacheWrite},"cache_read_input_tokens":${tokens.cacheRead},"cache_creation":{"ephemeral_5m_input_tokens":${tokens.cacheWrite},"ephemeral_1h_input_tokens":0},"output_tokens":${output},"service_tier":"standard"}`;
        const line = (block: string, output: number, stop: string) =>
          `{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/${person.login}/src/${repo}","sessionId":"${session}","version":"2.1.${100 + Math.floor(t * 40)}","gitBranch":"${branch}","type":"assistant","uuid":"${rng.uuid()}","timestamp":"${ts}","requestId":"${req}","message":{"id":"${msg}","type":"message","role":"assistant","model":"${model}","content":[{"type":"${block}","${block}":""}],"stop_reason":${stop},"usage":${usage(output)}}}`;
        if (rng.next() < 0.4) lines.push(line('thinking', 1 + rng.int(5), 'null'));
        lines.push(line('text', tokens.output, '"end_turn"'));
        if (r === 0)
          lines.push(
            `{"type":"user","sessionId":"${session}","timestamp":"${ts}","message":{"role":"user","content":""}}`,
          );
      }
      if (lines.length) logLines.set(file, lines);
    };
    for (const person of cursorUsers) {
      if (weekend) continue;
      for (let k = rng.poisson(8); k > 0; k--) {
        const input = 500 + rng.int(4000);
        const output = 100 + rng.int(1500);
        const cacheRead = rng.int(60_000);
        const cents = (input * 3 + output * 15 + cacheRead * 0.3) / 1e4;
        cursorEvents.push({
          timestamp: String(dayMs + (14 * 3600 + rng.int(8 * 3600)) * 1000),
          model: rng.next() < 0.7 ? 'claude-4.5-sonnet' : 'gpt-5',
          kind: 'Included in Business',
          maxMode: false,
          requestsCosts: 1,
          isTokenBasedCall: true,
          tokenUsage: {
            inputTokens: input,
            outputTokens: output,
            cacheWriteTokens: 0,
            cacheReadTokens: cacheRead,
            totalCents: Number(cents.toFixed(4)),
          },
          isFreeBugbot: false,
          userEmail: person.email,
        });
      }
    }
    for (const person of people) {
      if (weekend && rng.next() > 0.1) continue;
      const mult = (personal.get(person.id) ?? 1) * (person.id === heavy.id ? e.userVariance : 1);
      const requests = rng.poisson(REQUESTS_PER_DAY * growth * mult);
      if (requests > 0) sessionFor(person, requests, false);
    }
    if (day === spikeDay) {
      // A runaway agent loop: one engineer's session re-reads a huge context for hours.
      const target = dayCost * 3;
      let extra = 0;
      const before = dayCost;
      while (extra < target) {
        sessionFor(spiker, 20, true);
        extra = dayCost - before;
      }
    }
    // Bots: alert triage (the planted model-fit case) and CI review, both through the Anthropic API.
    const botScale = growth * (weekend ? 0.7 : 1);
    const alerts = rng.poisson(330 * botScale);
    const alertTokens = { input: 6000 * alerts, cacheRead: 0, cacheWrite: 0, output: 400 * alerts };
    if (alerts)
      record(day, { key: BOT_KEYS.alertTriage, workspace: WS_PROD, model: alertModel, tokens: alertTokens });
    const reviews = rng.poisson(120 * botScale * (weekend ? 0.2 : 1));
    if (reviews) {
      record(day, {
        key: BOT_KEYS.ciReview,
        workspace: WS_PROD,
        model: 'claude-sonnet-4-6',
        tokens: {
          input: 500 * reviews,
          cacheRead: 150_000 * reviews,
          cacheWrite: 5000 * reviews,
          output: 800 * reviews,
        },
      });
    }
    let tickets = 0;
    for (let h = 8; h < 20; h++) {
      const n = rng.poisson((200 / 12) * botScale);
      if (!n) continue;
      tickets += n;
      gateway.push(
        `${day}T${String(h).padStart(2, '0')}:00:00Z,support-gateway,${supportModel.provider},${supportModel.model},${3000 * n},0,0,${300 * n},0,${n},,,${BOT_KEYS.supportTriage},,support-triage,,,,gateway:${ORG}`,
      );
    }
    if (alerts) outcomes.push(`${day}T23:00:00Z,alert-triage,alert_triaged,${alerts},,,alerts-${day}`);
    if (reviews) outcomes.push(`${day}T23:00:00Z,ci-review,review_posted,${reviews},,,reviews-${day}`);
    if (tickets) outcomes.push(`${day}T23:00:00Z,support-triage,ticket_resolved,${tickets},,,tickets-${day}`);
  }

  for (const [file, lines] of logLines)
    files.set(file, { kind: 'claude-code-log', text: lines.join('\n') + '\n' });
  writeReports(files, usageByDay, start, days);
  for (let i = 0; i * 1000 < cursorEvents.length; i++) {
    const usageEvents = cursorEvents.slice(i * 1000, (i + 1) * 1000);
    const page = {
      totalUsageEventsCount: cursorEvents.length,
      pagination: { numPages: Math.ceil(cursorEvents.length / 1000), currentPage: i + 1, pageSize: 1000 },
      usageEvents,
    };
    files.set(`cursor/usage-events/page-${String(i + 1).padStart(4, '0')}.json`, {
      kind: 'cursor-usage-events',
      text: JSON.stringify(page) + '\n',
    });
  }
  const tickets = prs
    .filter((p) => !p.revert && p.ticket && p.number % 5 !== 0)
    .map((p) => jiraIssue(p, rng));
  for (let i = 0; i * 100 < tickets.length; i++) {
    const last = (i + 1) * 100 >= tickets.length;
    const page = {
      issues: tickets.slice(i * 100, (i + 1) * 100),
      ...(last ? { isLast: true } : { nextPageToken: `page-${i + 2}`, isLast: false }),
    };
    files.set(`jira/search-${String(i + 1).padStart(4, '0')}.json`, {
      kind: 'jira-search',
      text: JSON.stringify(page) + '\n',
    });
  }
  files.set('gateway/usage.csv', { kind: 'usage-csv', text: gateway.join('\n') + '\n' });
  files.set('outcomes/outcomes.csv', { kind: 'outcomes-csv', text: outcomes.join('\n') + '\n' });
  for (const repo of new Set(prs.map((p) => p.repo))) {
    const nodes = prs.filter((p) => p.repo === repo).map(prNode);
    files.set(`github/${ORG}__${repo}.json`, { kind: 'github-pulls', text: JSON.stringify(nodes) + '\n' });
  }
  return {
    files,
    truth: {
      heavyEngineer: heavy.id,
      topWorkloadKey: BOT_KEYS.alertTriage,
      spikeDay,
      unpricedModel: e.unpriced ? supportModel.model : null,
    },
  };
}

/** The ticket a PR closed, as /rest/api/3/search/jql returns it (dates with a +0000 offset). */
function jiraIssue(p: Pr, rng: Rng): unknown {
  const type =
    p.labels.includes('regression') || p.labels.includes('bug')
      ? 'Bug'
      : p.labels.includes('feature')
        ? 'Story'
        : 'Task';
  return {
    id: String(10000 + p.number),
    key: p.ticket,
    fields: {
      issuetype: { name: type, subtask: false },
      status: { name: 'Done', statusCategory: { id: 3, key: 'done', name: 'Done' } },
      resolution: { name: 'Done' },
      resolutiondate: `${p.merged}T20:${String(rng.int(60)).padStart(2, '0')}:00.000+0000`,
      created: `${p.opened}T10:00:00.000+0000`,
      assignee: { accountId: p.author.trackerId, displayName: p.author.name },
      customfield_10016: [1, 2, 3, 5, 8][rng.int(5)],
    },
  };
}

function prNode(p: Pr): unknown {
  const title = p.revert ? `Revert "${p.ticket} change"` : `${p.ticket} ${p.labels[0] ?? 'change'}`;
  const trailer = p.ai ? '\n\nCo-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>' : '';
  const commits = [
    { message: `wip ${p.ticket}`, date: `${p.opened}T15:00:00Z` },
    { message: `finish ${p.ticket}${trailer}`, date: `${p.merged}T14:00:00Z` },
  ];
  return {
    number: p.number,
    title,
    createdAt: `${p.opened}T14:00:00Z`,
    mergedAt: `${p.merged}T18:30:00Z`,
    additions: Math.round(p.lines * 0.7),
    deletions: p.lines - Math.round(p.lines * 0.7),
    changedFiles: p.files,
    headRefName: p.branch,
    author: { login: p.author.login },
    labels: { nodes: p.labels.map((name) => ({ name })) },
    commits: {
      totalCount: commits.length,
      nodes: commits.map((c) => ({
        commit: {
          message: c.message,
          authoredDate: c.date,
          committedDate: c.date,
          author: { name: p.author.name, email: p.author.email, user: { login: p.author.login } },
        },
      })),
    },
    points: sizePoints(p.lines, p.files),
  };
}

/** Usage and cost report pages (daily buckets, 31 per page), as the Admin API returns them. */
function writeReports(
  files: Map<string, { kind: DemoFileKind | 'org'; text: string }>,
  usageByDay: Map<string, Map<string, DayUsage>>,
  start: string,
  days: number,
): void {
  const perPage = 31;
  const pages = Math.ceil(days / perPage);
  const kinds: [keyof Tokens, string][] = [
    ['input', 'uncached_input_tokens'],
    ['cacheRead', 'cache_read_input_tokens'],
    ['cacheWrite', 'cache_creation.ephemeral_5m_input_tokens'],
    ['output', 'output_tokens'],
  ];
  for (let page = 0; page < pages; page++) {
    const usageBuckets: unknown[] = [];
    const costBuckets: unknown[] = [];
    for (let d = page * perPage; d < Math.min(days, (page + 1) * perPage); d++) {
      const day = addDays(start, d);
      const bucket = { starting_at: `${day}T00:00:00Z`, ending_at: `${addDays(day, 1)}T00:00:00Z` };
      const rows = [...(usageByDay.get(day)?.values() ?? [])];
      usageBuckets.push({
        ...bucket,
        results: rows.map((u) => ({
          account_id: null,
          api_key_id: u.key,
          workspace_id: u.workspace,
          service_account_id: null,
          model: u.model,
          service_tier: 'standard',
          context_window: '0-200k',
          inference_geo: 'global',
          uncached_input_tokens: u.tokens.input,
          cache_read_input_tokens: u.tokens.cacheRead,
          cache_creation: { ephemeral_5m_input_tokens: u.tokens.cacheWrite, ephemeral_1h_input_tokens: 0 },
          output_tokens: u.tokens.output,
          server_tool_use: { web_search_requests: 0 },
        })),
      });
      const byWsModel = new Map<string, { workspace: string; model: DemoModel; tokens: Tokens }>();
      for (const u of rows) {
        const k = `${u.workspace}|${u.model}`;
        const prev = byWsModel.get(k);
        byWsModel.set(
          k,
          prev
            ? { ...prev, tokens: add(prev.tokens, u.tokens) }
            : { workspace: u.workspace, model: u.model, tokens: u.tokens },
        );
      }
      costBuckets.push({
        ...bucket,
        results: [...byWsModel.values()].flatMap((g) =>
          kinds
            .filter(([kind]) => g.tokens[kind] > 0)
            .map(([kind, tokenType]) => ({
              amount: exactCost(g.model, kind, g.tokens[kind])
                .times(BILLED_FACTOR)
                .times(100)
                .toDecimalPlaces(6)
                .toFixed(),
              currency: 'USD',
              workspace_id: g.workspace,
              description: `${g.model} Usage - ${tokenType}`,
              cost_type: 'tokens',
              model: g.model,
              token_type: tokenType,
              service_tier: 'standard',
              context_window: '0-200k',
              inference_geo: 'global',
            })),
        ),
      });
    }
    const next = page + 1 < pages ? `page_${page + 2}` : null;
    const name = `page-${String(page + 1).padStart(4, '0')}.json`;
    files.set(`anthropic/usage-report/${name}`, {
      kind: 'anthropic-usage-report',
      text: JSON.stringify({ data: usageBuckets, has_more: next !== null, next_page: next }) + '\n',
    });
    files.set(`anthropic/cost-report/${name}`, {
      kind: 'anthropic-cost-report',
      text: JSON.stringify({ data: costBuckets, has_more: next !== null, next_page: next }) + '\n',
    });
  }
}

/** Writes the demo under `outDir` (replacing an earlier one) and returns what it wrote. */
export async function generateDemo(o: DemoOptions, outDir: string): Promise<DemoManifest> {
  const { files, truth } = buildDemo(o);
  await rm(outDir, { recursive: true, force: true });
  const manifest: DemoManifest = { dir: outDir, orgFile: join(outDir, 'mileage.yaml'), files: [], truth };
  const dirs = new Set([...files.keys()].map((p) => dirname(join(outDir, p))));
  // Synchronous writes: thousands of small files go several times faster than awaiting each one.
  for (const d of dirs) mkdirSync(d, { recursive: true });
  for (const [path, { kind, text }] of files) {
    writeFileSync(join(outDir, path), text);
    if (kind !== 'org') manifest.files.push({ kind, path: join(outDir, path) });
  }
  return manifest;
}

export { daysBetween };
