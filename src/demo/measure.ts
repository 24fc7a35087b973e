import { parse as parseYaml } from 'yaml';
import { usd, type Usd } from '../domain/money.js';
import { sizePoints } from '../domain/points.js';
import { addDays, daysInMonth, daysBetween, parseDay } from '../domain/time.js';
import type { DemoFile } from './generate.js';
import { DEMO_PRICES, listCostOf, type DemoModel, type Tokens } from './prices.js';

/**
 * Measures what the demo planted straight from its raw files, with exact decimal list prices — the
 * generator's own check, used by its tests. The product never uses this: it finds the effects by SQL.
 */

interface OrgFile {
  people: { id: string; team: string; logins: string[]; key_ids: string[] }[];
  keys: { id: string; workflow?: string }[];
  seats: { monthly_price: number; assignees: 'all' | string[] }[];
}

interface UsageResult {
  api_key_id: string;
  workspace_id: string;
  model: string;
  uncached_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
}
interface Bucket<R> {
  starting_at: string;
  results: R[];
}
interface CostResult {
  amount: string;
  workspace_id: string;
  model: string;
  token_type: string;
}
interface PrNode {
  title: string;
  mergedAt: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  author: { login: string };
  labels: { nodes: { name: string }[] };
}

export interface PersonCost {
  person: string;
  team: string;
  cost: number;
  prs: number;
  lines: number;
  costPerPr: number;
  /** Cost per PR over the median of the rest of the team. */
  ratio: number;
}

export interface DemoMeasures {
  start: string;
  end: string;
  /** What the organisation pays (billed Anthropic + priced gateway + seats), last four weeks / first four. */
  spendGrowth: number;
  /** The same at Anthropic list prices. */
  listSpendGrowth: number;
  prGrowth: number;
  pointsGrowth: number;
  reworkFirst: number;
  reworkLast: number;
  /** Claude Code list spend per merged PR over the last twelve weeks, the spike day left out. */
  people: PersonCost[];
  /** Key → list spend over the last four weeks, most first. */
  topKeys: { key: string; cost: number; tokensPerDollar: number }[];
  /** The costliest working day of the last four weeks against the median working day of the four before. */
  spike: { day: string; multiple: number };
  unpricedModels: string[];
  /** Every cost-report line equals list × 0.9 of the usage report's tokens. */
  costReportIsBilledList: boolean;
  /** For engineers with transcripts, the usage report equals the deduplicated sum of their log requests. */
  logsMatchReport: boolean;
  claudeLines: number;
}

const json = <T>(f: DemoFile) => JSON.parse(f.text) as T;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const tokensOf = (r: UsageResult): Tokens => ({
  input: r.uncached_input_tokens,
  cacheRead: r.cache_read_input_tokens,
  cacheWrite: r.cache_creation.ephemeral_5m_input_tokens + r.cache_creation.ephemeral_1h_input_tokens,
  output: r.output_tokens,
});
const TOKEN_TYPE: Record<string, keyof Tokens> = {
  uncached_input_tokens: 'input',
  cache_read_input_tokens: 'cacheRead',
  'cache_creation.ephemeral_5m_input_tokens': 'cacheWrite',
  output_tokens: 'output',
};

export function measureDemo(files: Map<string, DemoFile>): DemoMeasures {
  const org = parseYaml(files.get('mileage.yaml')?.text ?? '') as OrgFile;
  const of = (kind: DemoFile['kind']) => [...files.entries()].filter(([, f]) => f.kind === kind);
  const usage = of('anthropic-usage-report').flatMap(
    ([, f]) => json<{ data: Bucket<UsageResult>[] }>(f).data,
  );
  const start = usage[0]?.starting_at.slice(0, 10) ?? '';
  const days = usage.length;
  const end = addDays(start, days);
  const dayIndex = (iso: string) => daysBetween(start, iso.slice(0, 10));
  const weekday = (d: number) => ![0, 6].includes(parseDay(addDays(start, d)).getUTCDay());

  // Spend per day: Anthropic list and billed, priced gateway, seats.
  const list = new Array<Usd>(days).fill(usd(0));
  const billed = new Array<Usd>(days).fill(usd(0));
  const other = new Array<Usd>(days).fill(usd(0));
  const byKeyDay = new Map<string, number[]>();
  const tokensByKey = new Map<string, number>();
  const usageTokens = new Map<string, Tokens>();
  usage.forEach((b, d) => {
    for (const r of b.results) {
      const t = tokensOf(r);
      const cost = listCostOf(r.model as DemoModel, t);
      list[d] = (list[d] ?? usd(0)).plus(cost);
      const series = byKeyDay.get(r.api_key_id) ?? new Array<number>(days).fill(0);
      series[d] = (series[d] ?? 0) + cost.toNumber();
      byKeyDay.set(r.api_key_id, series);
      tokensByKey.set(
        r.api_key_id,
        (tokensByKey.get(r.api_key_id) ?? 0) + t.input + t.cacheRead + t.cacheWrite + t.output,
      );
      usageTokens.set(`${d}|${r.workspace_id}|${r.model}|${r.api_key_id}`, t);
    }
  });
  let costReportIsBilledList = true;
  const listByGroup = new Map<string, Tokens>();
  for (const [id, t] of usageTokens) {
    const [d, ws, model] = id.split('|');
    const k = `${d}|${ws}|${model}`;
    const prev = listByGroup.get(k) ?? { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
    listByGroup.set(k, {
      input: prev.input + t.input,
      cacheRead: prev.cacheRead + t.cacheRead,
      cacheWrite: prev.cacheWrite + t.cacheWrite,
      output: prev.output + t.output,
    });
  }
  of('anthropic-cost-report')
    .flatMap(([, f]) => json<{ data: Bucket<CostResult>[] }>(f).data)
    .forEach((b, d) => {
      for (const r of b.results) {
        if (!/^\d+(\.\d+)?$/.test(r.amount)) costReportIsBilledList = false;
        const amount = usd(r.amount).dividedBy(100);
        billed[d] = (billed[d] ?? usd(0)).plus(amount);
        const kind = TOKEN_TYPE[r.token_type] ?? 'input';
        const tokens = listByGroup.get(`${d}|${r.workspace_id}|${r.model}`)?.[kind] ?? 0;
        const expected = usd(tokens)
          .times(DEMO_PRICES[r.model as DemoModel][kind])
          .dividedBy(1e6)
          .times('0.9');
        if (!expected.equals(amount)) costReportIsBilledList = false;
      }
    });
  const unpriced = new Set<string>();
  // The gateway's request records (one JSON record a line), priced here from their own token counts.
  const gateway = files.get('gateway/records.jsonl')?.text.trim().split('\n') ?? [];
  for (const line of gateway) {
    if (line === '') continue;
    const r = JSON.parse(line) as {
      model: string;
      start: string;
      tokens: { input: number; cacheRead: number; cacheWrite: number; output: number };
    };
    if (!(r.model in DEMO_PRICES)) {
      unpriced.add(r.model);
      continue;
    }
    const cost = listCostOf(r.model as DemoModel, r.tokens);
    const d = dayIndex(r.start);
    other[d] = (other[d] ?? usd(0)).plus(cost);
  }
  for (let d = 0; d < days; d++) {
    const month = daysInMonth(addDays(start, d));
    for (const seat of org.seats) {
      const n = seat.assignees === 'all' ? org.people.length : seat.assignees.length;
      other[d] = (other[d] ?? usd(0)).plus(usd(seat.monthly_price).times(n).dividedBy(month));
    }
  }
  const w = Math.min(28, days);
  const sum = (xs: Usd[], from: number, to: number) => xs.slice(from, to).reduce((a, x) => a.plus(x), usd(0));
  const paid = billed.map((b, d) => b.plus(other[d] ?? usd(0)));
  const atList = list.map((l, d) => l.plus(other[d] ?? usd(0)));
  const growth = (xs: Usd[]) =>
    sum(xs, days - w, days)
      .dividedBy(sum(xs, 0, w))
      .toNumber();

  // Delivery.
  const prs = of('github-pulls').flatMap(([, f]) => json<PrNode[]>(f));
  const edge = (pick: (p: PrNode) => number, from: number, to: number) =>
    prs
      .filter((p) => dayIndex(p.mergedAt) >= from && dayIndex(p.mergedAt) < to)
      .reduce((a, p) => a + pick(p), 0);
  const rework = (p: PrNode) =>
    p.title.startsWith('Revert "') || p.labels.nodes.some((l) => l.name === 'regression') ? 1 : 0;
  const points = (p: PrNode) => sizePoints(p.additions + p.deletions, p.changedFiles);
  const one = () => 1;

  // Spike: the costliest working day of the last four weeks against the working days before.
  let spike = { day: '', multiple: 0 };
  for (let d = days - w; d < days; d++) {
    if (!weekday(d)) continue;
    const before: number[] = [];
    for (let x = Math.max(0, d - 28); x < d; x++) if (weekday(x)) before.push((paid[x] ?? usd(0)).toNumber());
    const multiple = (paid[d] ?? usd(0)).toNumber() / median(before);
    if (multiple > spike.multiple) spike = { day: addDays(start, d), multiple };
  }

  // Claude Code spend per merged PR, per person, over the last twelve weeks without the spike day.
  const since = Math.max(0, days - 84);
  const spikeDay = spike.multiple > 3 ? dayIndex(spike.day) : -1;
  const people: PersonCost[] = org.people.map((p) => {
    const series = byKeyDay.get(p.key_ids[0] ?? '') ?? [];
    const cost = series.slice(since).reduce((a, x, i) => a + (since + i === spikeDay ? 0 : x), 0);
    const mine = prs.filter((pr) => p.logins.includes(pr.author.login) && dayIndex(pr.mergedAt) >= since);
    const lines = mine.reduce((a, pr) => a + pr.additions + pr.deletions, 0) / Math.max(1, mine.length);
    return {
      person: p.id,
      team: p.team,
      cost,
      prs: mine.length,
      lines,
      costPerPr: cost / Math.max(1, mine.length),
      ratio: 0,
    };
  });
  for (const p of people) {
    const peers = people.filter((x) => x.team === p.team && x !== p).map((x) => x.costPerPr);
    p.ratio = p.costPerPr / median(peers);
  }

  const topKeys = [...byKeyDay.entries()]
    .map(([key, series]) => {
      const cost = series.slice(days - w).reduce((a, x) => a + x, 0);
      const all = series.reduce((a, x) => a + x, 0);
      return { key, cost, tokensPerDollar: (tokensByKey.get(key) ?? 0) / all };
    })
    .sort((a, b) => b.cost - a.cost);

  return {
    start,
    end,
    spendGrowth: growth(paid),
    listSpendGrowth: growth(atList),
    prGrowth: edge(one, days - w, days) / edge(one, 0, w),
    pointsGrowth: edge(points, days - w, days) / edge(points, 0, w),
    reworkFirst: edge(rework, 0, w) / edge(one, 0, w),
    reworkLast: edge(rework, days - w, days) / edge(one, days - w, days),
    people,
    topKeys,
    spike,
    unpricedModels: [...unpriced].sort(),
    costReportIsBilledList,
    logsMatchReport: logsMatch(files, org, usageTokens, start),
    claudeLines: of('claude-code-log').reduce((a, [, f]) => a + f.text.split('\n').length - 1, 0),
  };
}

/** Deduplicates transcripts by (message.id, requestId) and compares them with the usage report. */
function logsMatch(
  files: Map<string, DemoFile>,
  org: OrgFile,
  usageTokens: Map<string, Tokens>,
  start: string,
): boolean {
  const keyOfLogin = new Map(
    org.people.flatMap((p) => p.logins.map((l) => [l, p.key_ids[0] ?? ''] as const)),
  );
  const requests = new Map<string, { id: string; t: Tokens }>();
  const logged = new Set<string>();
  for (const [path, f] of files) {
    if (f.kind !== 'claude-code-log') continue;
    for (const line of f.text.split('\n')) {
      if (!line.includes('"assistant"')) continue;
      const l = JSON.parse(line) as {
        cwd: string;
        timestamp: string;
        requestId: string;
        message: {
          id: string;
          model: string;
          usage: {
            input_tokens: number;
            cache_read_input_tokens: number;
            cache_creation_input_tokens: number;
            output_tokens: number;
          };
        };
      };
      const login = /^\/home\/([^/]+)\//.exec(l.cwd)?.[1] ?? path;
      const key = keyOfLogin.get(login) ?? '';
      logged.add(key);
      const u = l.message.usage;
      const id = `${daysBetween(start, l.timestamp.slice(0, 10))}|wrkspc_claude_code|${l.message.model}|${key}`;
      const dedup = `${l.message.id}|${l.requestId}`;
      const prev = requests.get(dedup);
      const t = {
        input: u.input_tokens,
        cacheRead: u.cache_read_input_tokens,
        cacheWrite: u.cache_creation_input_tokens,
        output: Math.max(u.output_tokens, prev?.t.output ?? 0),
      };
      requests.set(dedup, { id, t });
    }
  }
  const sums = new Map<string, Tokens>();
  for (const { id, t } of requests.values()) {
    const s = sums.get(id) ?? { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
    sums.set(id, {
      input: s.input + t.input,
      cacheRead: s.cacheRead + t.cacheRead,
      cacheWrite: s.cacheWrite + t.cacheWrite,
      output: s.output + t.output,
    });
  }
  for (const [id, t] of usageTokens) {
    if (!logged.has(id.split('|')[3] ?? '')) continue;
    const s = sums.get(id);
    if (!s || JSON.stringify(s) !== JSON.stringify(t)) return false;
    sums.delete(id);
  }
  return sums.size === 0;
}
