import { TOOL_NAMES } from './names.js';
import type { DemoPerson } from './org.js';
import { approxCost, type AnthropicModel, type Tokens } from './prices.js';
import { makeRng, type Rng } from './rng.js';

/**
 * Claude Code session transcripts in the documented shape (reference §1.1): one line per content block
 * of a response, every block line carrying the same message.id, requestId and a copy of usage, with a
 * streaming-partial output_tokens on early blocks and the final count on the last. Content is left empty:
 * Mileage never reads it, and compact lines keep the demo fast.
 */

export interface SessionSpec {
  person: DemoPerson;
  repo: string;
  branch: string;
  sessionId: string;
  version: string;
  model: AnthropicModel;
  startMs: number;
  requests: number;
  profile: Profile;
  /** Part of the session runs in a subagent (its own transcript, isSidechain true). */
  subagent: boolean;
}

export interface SessionFiles {
  /** Path relative to the demo root → text (JSON lines). */
  files: { path: string; text: string }[];
}

/**
 * How a session spends: `normal` sessions; `heavy` ones carry a larger context and write more (the
 * planted heavy user); `loop` is a runaway agent re-reading a full context again and again.
 */
export type Profile = 'normal' | 'heavy' | 'loop';

/** A session's context grows request by request until it is compacted: the cache-heavy profile. */
export class ContextTokens {
  private context: number;
  private first = true;
  constructor(
    private readonly rng: Rng,
    private readonly profile: Profile,
  ) {
    this.context =
      profile === 'loop'
        ? 110_000
        : profile === 'heavy'
          ? rng.between(60_000, 80_000)
          : rng.between(35_000, 55_000);
  }

  next(): Tokens {
    const r = this.rng;
    if (this.profile === 'loop') {
      return {
        input: 5 + r.int(60),
        cacheRead: Math.round(r.between(105_000, 120_000)),
        cacheWrite: Math.round(r.between(500, 1_500)),
        output: Math.round(r.between(2_000, 2_500)),
      };
    }
    const heavy = this.profile === 'heavy';
    const cacheWrite = Math.round(this.first ? r.between(3_500, 5_000) : r.between(1_000, 4_500));
    const output = Math.round(Math.min(2_500, Math.max(100, r.lognormal(heavy ? 1_800 : 1_300, 0.5))));
    const tokens: Tokens = {
      input: 5 + r.int(196),
      cacheRead: Math.round(Math.min(120_000, Math.max(20_000, this.context))),
      cacheWrite,
      output,
    };
    this.first = false;
    this.context += heavy ? r.between(6_000, 12_000) : r.between(5_000, 10_000);
    if (this.context > 120_000) this.context = heavy ? r.between(60_000, 80_000) : r.between(35_000, 55_000);
    return tokens;
  }
}

/** Typical session length in requests. */
export function sessionLength(rng: Rng): number {
  return Math.round(rng.between(8, 30));
}

const meanCache = new Map<string, number>();

/** Expected list cost of one request of a profile on a model (USD), estimated once from the generator. */
export function meanRequestCost(model: AnthropicModel, profile: Profile = 'normal'): number {
  const id = `${model}|${profile}`;
  const cached = meanCache.get(id);
  if (cached !== undefined) return cached;
  const rng = makeRng(12345);
  let cost = 0;
  let n = 0;
  for (let s = 0; s < 400; s++) {
    const ctx = new ContextTokens(rng, profile);
    for (let k = sessionLength(rng); k > 0; k--) {
      cost += approxCost(model, ctx.next());
      n++;
    }
  }
  meanCache.set(id, cost / n);
  return cost / n;
}

type Block = 'thinking' | 'text' | 'tool_use';

function blocksOf(rng: Rng): Block[] {
  const x = rng.next();
  const last: Block = rng.chance(0.65) ? 'tool_use' : 'text';
  if (x < 0.75) return [last];
  if (x < 0.93) return ['thinking', last];
  return ['thinking', 'text', 'tool_use'];
}

function blockJson(block: Block, rng: Rng): string {
  switch (block) {
    case 'thinking':
      return '{"type":"thinking","thinking":""}';
    case 'text':
      return '{"type":"text","text":""}';
    case 'tool_use':
      return `{"type":"tool_use","id":"toolu_01${rng.base62(22)}","name":"${rng.pick(TOOL_NAMES)}","input":{}}`;
    default:
      return block satisfies never;
  }
}

function usageJson(t: Tokens, output: number): string {
  return `{"input_tokens":${t.input},"cache_creation_input_tokens":${t.cacheWrite},"cache_read_input_tokens":${t.cacheRead},"cache_creation":{"ephemeral_5m_input_tokens":${t.cacheWrite},"ephemeral_1h_input_tokens":0},"output_tokens":${output},"service_tier":"standard"}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Writes one session (and its subagent transcript, if any); `onRequest` receives every request's tokens
 * once, at its timestamp, so the usage report can be the exact sum of the transcripts.
 */
export function writeSession(
  spec: SessionSpec,
  rng: Rng,
  onRequest: (ms: number, model: AnthropicModel, tokens: Tokens) => void,
): SessionFiles {
  const cwd = `/home/${spec.person.login}/src/${spec.repo}`;
  const project = `claude/projects/${cwd.replace(/[^A-Za-z0-9]/g, '-')}`;
  const common = (sidechain: boolean, agentId: string | null) =>
    `"isSidechain":${sidechain},"userType":"external","cwd":${JSON.stringify(cwd)},"sessionId":"${spec.sessionId}","version":"${spec.version}","gitBranch":${JSON.stringify(spec.branch)},${agentId ? `"agentId":"${agentId}",` : ''}`;
  const main: string[] = [];
  const files: { path: string; lines: string[] }[] = [
    { path: `${project}/${spec.sessionId}.jsonl`, lines: main },
  ];
  const ctx = new ContextTokens(rng, spec.profile);
  const spacing = spec.profile === 'loop' ? [3_000, 8_000] : [15_000, 90_000];

  // Subagent: a contiguous run of about a third of the requests goes to its own transcript.
  let subFrom = -1;
  let subTo = -1;
  let sub: { lines: string[]; head: string; parent: string } | null = null;
  if (spec.subagent && spec.requests >= 6) {
    const len = Math.max(2, Math.round(spec.requests * rng.between(0.2, 0.4)));
    subFrom = 1 + rng.int(spec.requests - len);
    subTo = subFrom + len;
    const agentId = rng.hex(8);
    sub = { lines: [], head: common(true, agentId), parent: 'null' };
    files.push({ path: `${project}/${spec.sessionId}/subagents/agent-${agentId}.jsonl`, lines: sub.lines });
  }

  const mainHead = common(false, null);
  let parent = 'null';
  let ms = spec.startMs;
  const user = (lines: string[], head: string, parentRef: string) => {
    const uuid = rng.uuid();
    lines.push(
      `{"parentUuid":${parentRef},${head}"type":"user","message":{"role":"user","content":""},"uuid":"${uuid}","timestamp":"${iso(ms)}"}`,
    );
    return `"${uuid}"`;
  };
  parent = user(main, mainHead, parent);
  for (let r = 0; r < spec.requests; r++) {
    const inSub = sub !== null && r >= subFrom && r < subTo;
    const lines = inSub && sub ? sub.lines : main;
    const head = inSub && sub ? sub.head : mainHead;
    let parentRef = inSub && sub ? sub.parent : parent;
    if (inSub && sub && r === subFrom) parentRef = user(lines, head, 'null');
    ms += Math.round(rng.between(spacing[0] ?? 0, spacing[1] ?? 0));
    const tokens = ctx.next();
    onRequest(ms, spec.model, tokens);
    const msg = `msg_01${rng.base62(22)}`;
    const req = `req_011C${rng.base62(20)}`;
    const blocks = blocksOf(rng);
    blocks.forEach((block, i) => {
      const final = i === blocks.length - 1;
      const uuid = rng.uuid();
      const stop = final ? (block === 'tool_use' ? '"tool_use"' : '"end_turn"') : 'null';
      const output = final ? tokens.output : 1 + rng.int(5);
      lines.push(
        `{"parentUuid":${parentRef},${head}"type":"assistant","uuid":"${uuid}","timestamp":"${iso(ms + i * 900)}","requestId":"${req}","message":{"id":"${msg}","type":"message","role":"assistant","model":"${spec.model}","content":[${blockJson(block, rng)}],"stop_reason":${stop},"usage":${usageJson(tokens, output)}}}`,
      );
      parentRef = `"${uuid}"`;
    });
    // Now and then a tool result comes back as a user line.
    if (rng.chance(0.05)) parentRef = user(lines, head, parentRef);
    if (inSub && sub) sub.parent = parentRef;
    else parent = parentRef;
  }
  return { files: files.map((f) => ({ path: f.path, text: f.lines.join('\n') + '\n' })) };
}
