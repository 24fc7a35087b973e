import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/domain/statistics.js';

/**
 * A Claude Code log corpus for benchmarks: `projects/<project>/<session>.jsonl` files with the traps of
 * reference §1.1 — one line per content block with streaming-partial output tokens on early blocks,
 * subagent transcripts, sessions resumed with a replay of their parent's lines, sidechain replays under a
 * new request id, proxy responses without a request id, `<synthetic>` error lines, old lines carrying
 * `costUSD`, invalid and truncated lines. User lines carry prompt and tool-result text so the bytes per
 * request resemble real transcripts.
 *
 * The generator keeps its own account of every distinct request (`truth`), so a reader can be checked
 * against what was written rather than against another reader.
 */

export interface ClaudeCorpusOptions {
  seed: number;
  sessions: number;
  /** Target number of assistant lines over all files (block lines, duplicates included). */
  assistantLines: number;
  /** First day (UTC) of activity; sessions spread over `days`. */
  start: string;
  days: number;
  /** Share of session files given a broken line, an absurd count, a count of the wrong type or a truncated end (default 2.5%). */
  damageRate?: number;
  /** The generator's output format: bumped when what it writes changes, so a saved corpus is made again. */
  format?: number;
  /** Most content blocks (lines) one response is written as (default 4; 1: every line a distinct request). */
  maxBlocks?: number;
  /** Share of sessions that begin with a verbatim replay of an earlier session (default 5%). */
  resumeShare?: number;
}

export const DEFAULT_CLAUDE_CORPUS: ClaudeCorpusOptions = {
  seed: 1,
  sessions: 2000,
  assistantLines: 1_060_000,
  start: '2026-09-01',
  days: 60,
  format: 2,
};

export interface DayTruth {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** Requests whose lines carry costUSD: their summed cost in micro-dollars (exact integers). */
  reportedCostMicros: number;
  requests: number;
}

export interface ClaudeCorpusTruth {
  files: number;
  bytes: number;
  assistantLines: number;
  requests: number;
  /** Lines deliberately broken (invalid JSON, wrong types, negative or absurd counts). */
  badLines: number;
  byDay: Record<string, DayTruth>;
  byModel: Record<string, number>;
}

const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001'];
const MODEL_WEIGHTS = [0.62, 0.23, 0.15];
const REPOS = ['billing', 'api', 'web', 'infra', 'mobile', 'search', 'ledger', 'auth'];
const WORDS =
  'the a to of and in is it that for on with as this be by are or from at an not but have was can all will one has more if out use when which their there so what about would into only other some make like time just than then its also after work first new because any these how each file test function value return error'.split(
    ' ',
  );

/** Generates the corpus under `dir` unless a complete one with the same options is already there. */
export function ensureClaudeCorpus(dir: string, options = DEFAULT_CLAUDE_CORPUS): ClaudeCorpusTruth {
  const stamp = join(dir, 'corpus.json');
  if (existsSync(stamp)) {
    const saved = JSON.parse(readFileSync(stamp, 'utf8')) as {
      options: ClaudeCorpusOptions;
      truth: ClaudeCorpusTruth;
    };
    if (JSON.stringify(saved.options) === JSON.stringify(options)) return saved.truth;
  }
  rmSync(dir, { recursive: true, force: true });
  const truth = writeClaudeCorpus(dir, options);
  writeFileSync(stamp, JSON.stringify({ options, truth }));
  return truth;
}

export function writeClaudeCorpus(dir: string, o: ClaudeCorpusOptions): ClaudeCorpusTruth {
  const rand = seededRandom(o.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
    return s;
  };
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const prose = (chars: number) => {
    const out: string[] = [];
    let n = 0;
    while (n < chars) {
      const w = pick(WORDS);
      out.push(w);
      n += w.length + 1;
    }
    return out.join(' ');
  };
  const weighted = (): string => {
    const r = rand();
    let acc = 0;
    for (let i = 0; i < MODELS.length; i++) {
      acc += MODEL_WEIGHTS[i] ?? 0;
      if (r < acc) return MODELS[i] as string;
    }
    return MODELS[0] as string;
  };

  const truth: ClaudeCorpusTruth = {
    files: 0,
    bytes: 0,
    assistantLines: 0,
    requests: 0,
    badLines: 0,
    byDay: {},
    byModel: {},
  };
  const count = (at: number, model: string, u: Usage, costMicros: number | null) => {
    const day = new Date(at).toISOString().slice(0, 10);
    const d = (truth.byDay[day] ??= {
      input: 0,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
      reportedCostMicros: 0,
      requests: 0,
    });
    d.input += u.input;
    d.cacheRead += u.cacheRead;
    d.cacheWrite += u.cacheWrite;
    d.output += u.output;
    d.requests += 1;
    if (costMicros !== null) d.reportedCostMicros += costMicros;
    truth.requests += 1;
    truth.byModel[model] = (truth.byModel[model] ?? 0) + 1;
  };

  const startMs = Date.parse(`${o.start}T00:00:00Z`);
  const linesPerSession = o.assistantLines / o.sessions;
  /** Lines of finished sessions, kept for resumed sessions to replay (a bounded pool). */
  const replayPool: string[][] = [];

  for (let s = 0; s < o.sessions; s++) {
    const dev = s % 40;
    const repo = pick(REPOS);
    const cwd = `/home/dev${dev}/src/${repo}`;
    const project = cwd.replace(/[^a-zA-Z0-9]/g, '-');
    const sessionId = uuid();
    const old = rand() < 0.08; // an old Claude Code version that still wrote costUSD
    const version = old ? `1.0.${int(20, 90)}` : `2.1.${int(1, 240)}`;
    const branch = rand() < 0.2 ? 'main' : `feat/${repo}-${int(100, 999)}`;
    const model = weighted();
    let at = startMs + Math.floor(rand() * o.days * 86_400_000);
    const lines: string[] = [];
    const own: string[] = []; // this session's own lines (what a resume would replay)

    const common = (sidechain: boolean) =>
      `"isSidechain":${sidechain},"userType":"external","cwd":${JSON.stringify(cwd)},"sessionId":"${sessionId}","version":"${version}","gitBranch":"${branch}"`;

    // A resumed session starts with a verbatim replay of part of an earlier session.
    if (replayPool.length > 0 && rand() < (o.resumeShare ?? 0.05)) {
      const parent = pick(replayPool);
      const upto = Math.floor(parent.length * (0.3 + rand() * 0.6));
      for (let i = 0; i < upto; i++) {
        const line = parent[i] as string;
        lines.push(line);
        if (line.includes('"type":"assistant"')) truth.assistantLines += 1;
      }
    }
    if (rand() < 0.5) {
      lines.push(
        `{"type":"summary","summary":${JSON.stringify(prose(60))},"leafUuid":"${uuid()}"}`,
        `{"type":"file-history-snapshot","messageId":"${uuid()}","snapshot":{"trackedFileBackups":{},"timestamp":"${new Date(at).toISOString()}"},"isSnapshotUpdate":false}`,
      );
    }

    let written = 0;
    let parentUuid: string | null = null;
    const target = Math.max(4, Math.round(linesPerSession * (0.5 + rand())));
    while (written < target) {
      // A user prompt, then a chain of responses with tool results between them.
      at += int(5, 120) * 1000;
      const promptUuid = uuid();
      const prompt = `{"parentUuid":${JSON.stringify(parentUuid)},${common(false)},"type":"user","message":{"role":"user","content":${JSON.stringify(prose(int(60, 600)))}},"uuid":"${promptUuid}","timestamp":"${new Date(at).toISOString()}"}`;
      lines.push(prompt);
      own.push(prompt);
      parentUuid = promptUuid;
      const responses = int(1, 6);
      for (let r = 0; r < responses && written < target; r++) {
        at += int(2, 40) * 1000;
        const proxy = rand() < 0.01;
        const messageId = proxy ? `chatcmpl-${hex(24)}` : `msg_01${hex(22)}`;
        const requestId = proxy ? null : `req_011C${hex(20)}`;
        const usage: Usage = {
          input: int(1, 60),
          cacheRead: rand() < 0.9 ? int(5_000, 150_000) : 0,
          cacheWrite: rand() < 0.7 ? int(100, 8_000) : 0,
          output: int(20, 2_500),
        };
        const costMicros = old ? int(500, 90_000) : null;
        const blocks = int(1, o.maxBlocks ?? 4);
        const copies = proxy ? 3 : 1; // proxies write the same response several times, with no request id
        for (let c = 0; c < copies; c++) {
          for (let b = 0; b < blocks; b++) {
            const last = b === blocks - 1;
            const kind = last ? (rand() < 0.7 ? 'tool_use' : 'text') : b === 0 ? 'thinking' : 'text';
            const content =
              kind === 'thinking'
                ? `{"type":"thinking","thinking":${JSON.stringify(prose(int(100, 900)))},"signature":"${hex(64)}"}`
                : kind === 'text'
                  ? `{"type":"text","text":${JSON.stringify(prose(int(20, 250)))}}`
                  : `{"type":"tool_use","id":"toolu_01${hex(22)}","name":"Edit","input":{"file_path":"src/${pick(WORDS)}.ts","old_string":${JSON.stringify(prose(int(10, 120)))},"new_string":${JSON.stringify(prose(int(10, 160)))}}}`;
            const output = last ? usage.output : int(1, 8); // streaming partial on early blocks
            const uid = uuid();
            const line = assistantLine({
              parentUuid,
              common: common(false),
              requestId,
              uuid: uid,
              at: at + b * 700,
              messageId,
              model,
              content,
              stop: last ? (kind === 'tool_use' ? '"tool_use"' : '"end_turn"') : 'null',
              usage: { ...usage, output },
              costUSD: costMicros === null ? null : costMicros / 1e6,
            });
            lines.push(line);
            own.push(line);
            parentUuid = uid;
            written += 1;
            truth.assistantLines += 1;
          }
        }
        count(at, model, usage, costMicros);
        // A /btw sidechain replays this message under a new request id: counted once (the original).
        if (!proxy && rand() < 0.004) {
          lines.push(
            assistantLine({
              parentUuid,
              common: common(true),
              requestId: `req_011C${hex(20)}`,
              uuid: uuid(),
              at: at + 5000,
              messageId,
              model,
              content: `{"type":"text","text":"replay"}`,
              stop: '"end_turn"',
              usage,
              costUSD: costMicros === null ? null : costMicros / 1e6,
            }),
          );
          truth.assistantLines += 1;
        }
        if (rand() < 0.35) {
          const resultUuid = uuid();
          const result = `{"parentUuid":"${parentUuid}",${common(false)},"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_01${hex(22)}","type":"tool_result","content":${JSON.stringify(prose(int(80, 900)))}}]},"uuid":"${resultUuid}","timestamp":"${new Date(at + 3000).toISOString()}","toolUseResult":{"type":"text"}}`;
          lines.push(result);
          own.push(result);
          parentUuid = resultUuid;
        }
      }
      if (rand() < 0.01) {
        lines.push(
          assistantLine({
            parentUuid,
            common: common(false),
            requestId: null,
            uuid: uuid(),
            at,
            messageId: uuid(),
            model: '<synthetic>',
            content: `{"type":"text","text":"API Error: Rate limit reached"}`,
            stop: '"stop_sequence"',
            usage: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 },
            costUSD: null,
            apiError: true,
          }),
        );
        truth.assistantLines += 1;
      }
    }
    // Damage: a few files get an invalid line, an absurd count, a count of the wrong type, or end mid-line.
    const rate = (o.damageRate ?? 0.025) / 0.025;
    const damage = rand() / rate;
    if (damage < 0.01) {
      lines.splice(int(0, lines.length - 1), 0, '{"type":"assistant","message":{"id":"msg_broken",');
      truth.badLines += 1;
    } else if (damage < 0.015) {
      const line = assistantLine({
        parentUuid,
        common: common(false),
        requestId: `req_011C${hex(20)}`,
        uuid: uuid(),
        at,
        messageId: `msg_01${hex(22)}`,
        model,
        content: '{"type":"text","text":"x"}',
        stop: '"end_turn"',
        usage: { input: 4, cacheRead: 0, cacheWrite: 0, output: 50_000_000 },
        costUSD: null,
      });
      // Half absurd (50M output tokens), half a count written as a string (a wrong type, whatever its size).
      lines.push(damage < 0.0125 ? line : line.replace('"input_tokens":4,', '"input_tokens":"4",'));
      truth.badLines += 1;
      truth.assistantLines += 1;
    }
    const truncated = damage >= 0.015 && damage < 0.025;

    const file = join(dir, 'projects', project, `${sessionId}.jsonl`);
    truth.bytes += writeLines(file, lines, truncated ? `{"parentUuid":"${parentUuid}","isSide` : '');
    truth.files += 1;
    if (replayPool.length < 50) replayPool.push(own);
    else replayPool[int(0, 49)] = own;

    // Subagent transcripts: their own requests, marked as sidechain, counted in full.
    if (rand() < 0.1) {
      const agent = join(dir, 'projects', project, sessionId, 'subagents', `agent-${hex(8)}.jsonl`);
      const sub: string[] = [];
      const n = int(3, 30);
      for (let i = 0; i < n; i++) {
        at += int(2, 20) * 1000;
        const usage: Usage = {
          input: int(1, 30),
          cacheRead: int(2_000, 40_000),
          cacheWrite: int(0, 3_000),
          output: int(10, 900),
        };
        sub.push(
          assistantLine({
            parentUuid: null,
            common: common(true),
            requestId: `req_011C${hex(20)}`,
            uuid: uuid(),
            at,
            messageId: `msg_01${hex(22)}`,
            model: 'claude-haiku-4-5-20251001',
            content: `{"type":"text","text":${JSON.stringify(prose(int(40, 400)))}}`,
            stop: '"end_turn"',
            usage,
            costUSD: null,
          }),
        );
        truth.assistantLines += 1;
        count(at, 'claude-haiku-4-5-20251001', usage, null);
      }
      truth.bytes += writeLines(agent, sub, '');
      truth.files += 1;
    }
  }
  return truth;
}

interface Usage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

function assistantLine(a: {
  parentUuid: string | null;
  common: string;
  requestId: string | null;
  uuid: string;
  at: number;
  messageId: string;
  model: string;
  content: string;
  stop: string;
  usage: Usage;
  costUSD: number | null;
  apiError?: boolean;
}): string {
  const u = a.usage;
  const request = a.requestId === null ? '' : `"requestId":"${a.requestId}",`;
  const cost = a.costUSD === null ? '' : `,"costUSD":${a.costUSD}`;
  const error = a.apiError ? ',"isApiErrorMessage":true' : '';
  return `{"parentUuid":${JSON.stringify(a.parentUuid)},${a.common},"message":{"id":"${a.messageId}","type":"message","role":"assistant","model":"${a.model}","content":[${a.content}],"stop_reason":${a.stop},"stop_sequence":null,"usage":{"input_tokens":${u.input},"cache_creation_input_tokens":${u.cacheWrite},"cache_read_input_tokens":${u.cacheRead},"cache_creation":{"ephemeral_5m_input_tokens":${u.cacheWrite},"ephemeral_1h_input_tokens":0},"output_tokens":${u.output},"service_tier":"standard"}},${request}"type":"assistant","uuid":"${a.uuid}","timestamp":"${new Date(a.at).toISOString()}"${cost}${error}}`;
}

function writeLines(file: string, lines: string[], tail: string): number {
  mkdirSync(join(file, '..'), { recursive: true });
  const text = lines.join('\n') + '\n' + tail;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return Buffer.byteLength(text);
}
