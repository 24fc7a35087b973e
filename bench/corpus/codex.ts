import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../../src/domain/statistics.js';

/**
 * A deterministic Codex CLI sessions tree (`sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`) in the shapes
 * of reference §1.2, for benchmarking a rollout reader, with the totals it must find.
 *
 * The expected totals are the generator's own ground truth (the requests it decided to make), summed as
 * it goes, never by reading the files back. Traps a reader must handle, in realistic proportions:
 * - response_item lines (messages, reasoning blobs, tool calls and outputs) that make most of the bytes;
 * - token_count events re-emitted with an unchanged total, and `info: null` rate-limit events;
 * - files from old builds with only cumulative totals, or without any turn_context (model unknown);
 * - forks and spawned subagents that begin with a replay of their parent's history, either re-stamped with
 *   the fork time (a sub-second burst) or keeping the parent's original timestamps.
 * Expected tokens are in Mileage's meaning: input without its cached part, cache reads, output with
 * reasoning, reasoning; `requests` counts real requests.
 */
export interface CodexCorpusOptions {
  seed?: number;
  /** Rollout files to write. */
  files?: number;
  /** Real requests (counted token_count events) to spread over the files, approximately. */
  requests?: number;
  /** First UTC day of the corpus, `YYYY-MM-DD`. */
  start?: string;
  days?: number;
  /** Share of files that are forks or subagents replaying a parent. */
  forkShare?: number;
  /** Share of files written without turn_context (early builds). */
  noTurnContextShare?: number;
  /** Share of files whose token_count events carry only the cumulative total. */
  totalOnlyShare?: number;
}

export interface TokenTotals {
  input: number;
  cacheRead: number;
  output: number;
  reasoning: number;
  requests: number;
}

export interface CodexCorpus {
  /** The directory holding `sessions/` (a CODEX_HOME). */
  root: string;
  files: string[];
  bytes: number;
  /** token_count lines written, replays and repeats included. */
  tokenCountLines: number;
  expected: { byDay: Record<string, TokenTotals>; total: TokenTotals };
}

const DEFAULTS: Required<CodexCorpusOptions> = {
  seed: 42,
  files: 2000,
  requests: 500_000,
  start: '2026-06-01',
  days: 30,
  forkShare: 0.08,
  noTurnContextShare: 0.03,
  totalOnlyShare: 0.05,
};

const MODELS = ['gpt-5.1-codex', 'gpt-5.1-codex-mini', 'gpt-5.1-codex-max', 'gpt-5-codex', 'gpt-5'];
const REPOS = ['billing', 'search', 'checkout', 'infra', 'mobile-app', 'data-pipeline', 'docs'];
const BRANCHES = ['main', 'feat/invoices', 'fix/retry-backoff', 'chore/deps', 'feat/search-ranking', 'HEAD'];
const WORDS = (
  'the a of to and in is it that for on with as this be by we are file function test change value ' +
  'error return type import module config build request response cache token session branch commit ' +
  'update check should would could read write parse handle case line missing null undefined string number'
).split(' ');

/** One planned request: Codex's own meaning (input includes cached, output includes reasoning). */
interface Usage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** What a fork needs of its parent: its id and its lines, to be replayed with the original or a new time. */
interface Parent {
  id: string;
  lines: { at: number; line: (stamp: string) => string; total?: Usage }[];
}

export async function generateCodexCorpus(
  dir: string,
  options: CodexCorpusOptions = {},
): Promise<CodexCorpus> {
  const o = { ...DEFAULTS, ...options };
  const rand = seededRandom(o.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const text = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const hex = (n: number) => {
    let h = '';
    while (h.length < n)
      h += Math.floor(rand() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return h.slice(0, n);
  };
  const uuid = (at: number) => {
    const h = at.toString(16).padStart(12, '0');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${hex(3)}-8${hex(3)}-${hex(12)}`;
  };

  const byDay: Record<string, TokenTotals> = {};
  const total: TokenTotals = { input: 0, cacheRead: 0, output: 0, reasoning: 0, requests: 0 };
  const count = (at: number, u: Usage) => {
    const day = new Date(at).toISOString().slice(0, 10);
    const d = (byDay[day] ??= { input: 0, cacheRead: 0, output: 0, reasoning: 0, requests: 0 });
    for (const t of [d, total]) {
      t.input += u.input - u.cached;
      t.cacheRead += u.cached;
      t.output += u.output;
      t.reasoning += u.reasoning;
      t.requests += 1;
    }
  };

  const firstDay = Date.parse(`${o.start}T00:00:00.000Z`);
  const perFile = o.requests / o.files;
  const files: string[] = [];
  let bytes = 0;
  let tokenCountLines = 0;
  let parent: Parent | null = null;

  for (let f = 0; f < o.files; f++) {
    const fork = parent !== null && rand() < o.forkShare;
    const withTurnContext = rand() >= o.noTurnContextShare;
    const totalOnly = rand() < o.totalOnlyShare;
    const repo = pick(REPOS);
    const branch = pick(BRANCHES);
    let model = pick(MODELS);
    const requests = Math.max(1, Math.round(perFile * (0.3 + 1.4 * rand())));

    // A fork starts after its parent's last event; any other session at a random time of a corpus day.
    let t: number =
      fork && parent
        ? (parent.lines.at(-1)?.at ?? firstDay) + int(60, 4 * 3600) * 1000
        : firstDay + int(0, o.days - 1) * 86_400_000 + int(7 * 3600, 20 * 3600) * 1000 + int(0, 999);
    const startedAt = t;
    const id = uuid(startedAt);
    const stamp = (at: number) => new Date(at).toISOString();
    const out: string[] = [];
    const own: Parent['lines'] = [];
    const write = (at: number, line: (s: string) => string, total?: Usage) => {
      out.push(line(stamp(at)));
      own.push(total ? { at, line, total } : { at, line });
    };
    const env = (type: string, payload: unknown) => (s: string) =>
      JSON.stringify({ timestamp: s, type, payload });

    const source =
      fork && parent && rand() < 0.5
        ? { subagent: { thread_spawn: { parent_thread_id: parent.id, depth: 1 } } }
        : 'cli';
    const meta = {
      id,
      ...(fork && parent && source === 'cli' ? { forked_from_id: parent.id } : {}),
      timestamp: stamp(startedAt),
      cwd: `/home/dev${f % 40}/src/${repo}`,
      originator: 'codex_cli_rs',
      cli_version: totalOnly ? '0.30.0' : '0.150.0',
      source,
      instructions: null,
      git: { commit_hash: hex(40), branch, repository_url: `git@github.com:acme/${repo}.git` },
    };
    write(t, env('session_meta', meta));

    // The running total starts from the parent's when the fork replays its history.
    const running: Usage = { input: 0, cached: 0, output: 0, reasoning: 0 };
    if (fork && parent) {
      const restamp = rand() < 0.7;
      const upTo = int(1, parent.lines.length);
      parent.lines.slice(0, upTo).forEach((l, i) => {
        const line = l.line(stamp(restamp ? t + Math.floor(i / 8) : l.at));
        out.push(line);
        if (line.includes('"token_count"')) tokenCountLines++;
      });
      const lastTotal = parent.lines
        .slice(0, upTo)
        .filter((l) => l.total)
        .at(-1)?.total;
      if (lastTotal) Object.assign(running, lastTotal);
      t += Math.floor(upTo / 8) + 1;
    }

    const usageLine = (u: Usage, cumulative: Usage) => {
      const wire = (x: Usage) => ({
        input_tokens: x.input,
        cached_input_tokens: x.cached,
        output_tokens: x.output,
        reasoning_output_tokens: x.reasoning,
        total_tokens: x.input + x.output,
      });
      const info = totalOnly
        ? { total_token_usage: wire(cumulative) }
        : { total_token_usage: wire(cumulative), last_token_usage: wire(u), model_context_window: 272000 };
      return env('event_msg', {
        type: 'token_count',
        info,
        rate_limits: { primary: { used_percent: int(1, 90), window_minutes: 300, resets_at: 1783000000 } },
      });
    };

    let context = int(3_000, 20_000);
    for (let r = 0; r < requests; r++) {
      const newTurn = r === 0 || rand() < 0.15;
      if (newTurn) {
        t += int(5, 600) * 1000;
        if (withTurnContext) {
          if (rand() < 0.1) model = pick(MODELS);
          write(
            t,
            env('turn_context', { cwd: meta.cwd, approval_policy: 'on-request', model, effort: 'medium' }),
          );
        }
        write(t + 3, env('event_msg', { type: 'user_message', message: text(int(5, 60)), kind: 'plain' }));
        write(
          t + 4,
          env('response_item', {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: text(int(5, 60)) }],
          }),
        );
      }
      // at least two seconds of model latency: a fork's first request is never mistaken for its replay burst
      t += int(2, 90) * 1000 + int(0, 999);
      write(
        t - 5,
        env('response_item', { type: 'reasoning', summary: [], encrypted_content: hex(int(100, 600)) }),
      );
      if (rand() < 0.6) {
        const call = `call_${hex(12)}`;
        write(
          t - 4,
          env('response_item', {
            type: 'function_call',
            name: 'shell',
            arguments: JSON.stringify({ command: ['rg', pick(WORDS)] }),
            call_id: call,
          }),
        );
        write(
          t - 2,
          env('response_item', { type: 'function_call_output', call_id: call, output: text(int(10, 150)) }),
        );
      } else {
        write(
          t - 3,
          env('response_item', {
            type: 'message',
            role: 'assistant',
            content: [{ type: 'output_text', text: text(int(10, 100)) }],
          }),
        );
      }
      context += int(200, 8_000);
      const input = Math.min(context, 250_000);
      const cached = rand() < 0.1 ? 0 : Math.floor(input * (0.5 + 0.45 * rand()));
      const output = int(20, 3_000);
      const u: Usage = { input, cached, output, reasoning: Math.floor(output * rand() * 0.8) };
      running.input += u.input;
      running.cached += u.cached;
      running.output += u.output;
      running.reasoning += u.reasoning;
      const cumulative = { ...running };
      write(t, usageLine(u, cumulative), cumulative);
      tokenCountLines++;
      count(t, u);
      if (rand() < 0.3) {
        write(t + int(1, 5) * 1000, usageLine(u, cumulative), cumulative);
        tokenCountLines++;
      }
      if (rand() < 0.1) {
        write(
          t + 6000,
          env('event_msg', {
            type: 'token_count',
            info: null,
            rate_limits: { primary: { used_percent: 50, window_minutes: 300 } },
          }),
        );
        tokenCountLines++;
      }
    }

    const day = new Date(startedAt).toISOString().slice(0, 10).split('-');
    const name = `rollout-${stamp(startedAt).slice(0, 19).replace(/:/g, '-')}-${id}.jsonl`;
    const folder = join(dir, 'sessions', ...day);
    await mkdir(folder, { recursive: true });
    const body = out.join('\n') + '\n';
    await writeFile(join(folder, name), body);
    files.push(join(folder, name));
    bytes += Buffer.byteLength(body);
    if (!fork) parent = { id, lines: own };
  }
  return { root: dir, files, bytes, tokenCountLines, expected: { byDay, total } };
}
