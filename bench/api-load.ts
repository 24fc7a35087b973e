/**
 * The load generator of bench/api.ts, run in a worker thread (plain JavaScript, evaluated) so that its JSON
 * handling does not share the server's event loop. Each of `users` loops for `seconds` over keep-alive
 * connections, waiting a random 0–2× `thinkMs` between requests (0: none, the server saturated).
 *
 * Two request plans:
 * - `fixed`: the dashboard's first page, the same URLs over and over (what the answer cache is for);
 * - `mix`: what people exploring the dashboard ask, mostly different questions: a window of 1, 2 or 4 weeks
 *   starting on a random Monday of the last 26 weeks, half of the time filtered to one or two random teams,
 *   spend grouped by a random dimension, the weekly diagnostic of a random week, a random PR. A seeded
 *   generator makes every run ask the same sequence.
 */
export interface LoadPlan {
  base: string;
  token: string;
  users: number;
  seconds: number;
  thinkMs: number;
  mode: 'fixed' | 'mix';
  /** Seeds the users' question sequences: plans on one server ask different questions (none answered from the cache by an earlier plan). */
  seed: number;
  fixedPaths: string[];
  /** Monday of the data's last week, teams, PR ids: what the mix draws from. */
  lastMonday: string;
  teams: string[];
  prs: string[];
}

export interface LoadReport {
  /** Latencies (ms) per endpoint label. */
  lat: Record<string, number[]>;
  failures: number;
  elapsed: number;
  requests: number;
  distinct: number;
}

export const LOAD_CODE = `
const { parentPort, workerData: plan } = require('node:worker_threads');
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const DIMS = ['team', 'model', 'tool', 'key', 'workflow', 'repository'];
function mixPath(r) {
  const pick = (list) => list[Math.floor(r() * list.length)];
  const since = addDays(plan.lastMonday, -7 * Math.floor(r() * 26));
  const until = addDays(since, 7 * pick([1, 2, 4]));
  const teams = r() < 0.5 ? [] : Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(plan.teams));
  const q = (extra) => '?' + [...extra, 'since=' + since, 'until=' + until, ...teams.map((t) => 'team=' + t)].join('&');
  const endpoint = pick(['filters', 'spend', 'spend', 'calendar', 'per_pr', 'mtok', 'workflows', 'prs', 'pr', 'weekly', 'me']);
  switch (endpoint) {
    case 'me': return ['/api/v1/me', '/api/v1/me'];
    case 'filters': return ['/api/v1/filters', '/api/v1/filters' + q([])];
    case 'spend': return ['/api/v1/metrics/spend.total', '/api/v1/metrics/spend.total' + q(['by=' + pick(DIMS)])];
    case 'calendar': return ['/api/v1/metrics/spend.calendar', '/api/v1/metrics/spend.calendar' + q([])];
    case 'per_pr': return ['/api/v1/metrics/effectiveness.cost_per_merged_pr', '/api/v1/metrics/effectiveness.cost_per_merged_pr' + q(['by=team'])];
    case 'mtok': return ['/api/v1/metrics/efficiency.cost_per_mtok', '/api/v1/metrics/efficiency.cost_per_mtok' + q(['by=' + pick(['tool', 'model'])])];
    case 'workflows': return ['/api/v1/workflows', '/api/v1/workflows' + q([])];
    case 'prs': return ['/api/v1/prs', '/api/v1/prs' + q([])];
    case 'pr': return ['/api/v1/prs/:id', '/api/v1/prs/' + encodeURIComponent(pick(plan.prs))];
    default: return ['/api/v1/reports/weekly', '/api/v1/reports/weekly?week=' + since + teams.map((t) => '&team=' + t).join('')];
  }
}
const lat = {};
const seen = new Set();
let failures = 0;
let requests = 0;
const end = Date.now() + plan.seconds * 1000;
async function user(i) {
  const r = rng(plan.seed + i);
  let n = i;
  while (Date.now() < end) {
    const [label, path] = plan.mode === 'mix' ? mixPath(r) : ((p) => [p, p])(plan.fixedPaths[n++ % plan.fixedPaths.length]);
    seen.add(path);
    const t = performance.now();
    try {
      const res = await fetch(plan.base + path, { headers: { authorization: 'Bearer ' + plan.token } });
      await res.arrayBuffer();
      if (!res.ok) failures++;
    } catch { failures++; }
    (lat[label] ??= []).push(performance.now() - t);
    requests++;
    if (plan.thinkMs > 0) await new Promise((done) => setTimeout(done, r() * 2 * plan.thinkMs));
  }
}
const started = performance.now();
Promise.all(Array.from({ length: plan.users }, (_, i) => user(i))).then(() =>
  parentPort.postMessage({ lat, failures, requests, distinct: seen.size, elapsed: (performance.now() - started) / 1000 }));
`;
