import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTaskFile } from '../log-files.js';
import type { TaskAgent } from './extensions.js';
import { taskAgentLogSource } from './index.js';
import { normalise, parseTaskFile } from './parse.js';

/** Real task histories (test/fixtures/real/task-agents, origin in test/fixtures/real/ORIGIN.md) and truth.py's figures. */
const REAL = new URL('../../../../test/fixtures/real/task-agents/', import.meta.url);

interface TruthRequest {
  task: string;
  ts: number;
  model: string | null;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  cost: string | null;
  basis: 'provider_reported' | 'list_estimate' | 'unpriced';
}
const truth = JSON.parse(readFileSync(new URL('truth.json', REAL), 'utf8')) as Record<
  TaskAgent,
  TruthRequest[]
>;

function taskFiles(dir: string): string[] {
  const root = fileURLToPath(new URL(dir, REAL));
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((p) => join(root, p))
    .filter(isTaskFile);
}

const parse = (agent: TaskAgent, file: string, text = readFileSync(file, 'utf8')) =>
  parseTaskFile(agent, { file, text, firstLine: 1 });

describe('Cline, Roo Code and Kilo Code task histories', () => {
  it.each(['cline', 'roo-code', 'kilo-code'] as const)(
    '%s: every request of the real samples has the tokens and the reported cost truth.py computed',
    (agent) => {
      const records = taskFiles(agent).flatMap((f) => {
        const parsed = parse(agent, f);
        expect(parsed.problems).toEqual([]);
        return parsed.records;
      });
      const got = records
        .map((r) => ({
          task: r.hints.sessionId,
          ts: r.start.getTime(),
          model: r.model,
          input: r.tokens.input,
          cacheRead: r.tokens.cacheRead,
          cacheWrite: r.tokens.cacheWrite,
          output: r.tokens.output,
          reported: r.cost.basis === 'provider_reported' ? r.cost.amount?.toString() : null,
        }))
        .sort((a, b) => a.ts - b.ts);
      const want = truth[agent]
        .map((t) => ({
          task: t.task,
          ts: t.ts,
          model: t.model,
          input: t.input,
          cacheRead: t.cacheRead,
          cacheWrite: t.cacheWrite,
          output: t.output,
          reported: t.basis === 'provider_reported' ? t.cost : null,
        }))
        .sort((a, b) => a.ts - b.ts);
      expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
      for (const r of records) {
        expect(r.tool).toBe(agent);
        expect(r.requests).toBe(1);
        expect(r.collapse).toEqual({ key: `${agent}-logs:task:${r.hints.sessionId}`, replica: false });
      }
    },
  );

  it('keeps no prompt text: a record holds counts, ids, the model and the cost only', () => {
    const [file] = taskFiles('kilo-code');
    const { records } = parse('kilo-code', file as string);
    expect(JSON.stringify(records)).not.toMatch(/environment_details|Current Mode/);
    expect(records[0]?.model).toBe('gemini-2.5-pro');
  });

  it('names each request by its task and ts: a re-read of the rewritten file gives the same ids', () => {
    const [file] = taskFiles('cline');
    const a = parse('cline', file as string).records.map((r) => r.id);
    const b = parse(
      'cline',
      `/elsewhere/tasks/${(file as string).split(/[\\/]/).at(-2)}/ui_messages.json`,
      readFileSync(file as string, 'utf8'),
    ).records.map((r) => r.id);
    expect(new Set(a).size).toBe(a.length);
    expect(b).toEqual(a);
  });

  it.each([
    [
      'Cline: tokensIn is uncached input, cache tokens beside it',
      'cline',
      { tokensIn: 10, tokensOut: 733, cacheWrites: 12954, cacheReads: 8096 },
      { input: 10, cacheRead: 8096, cacheWrite: 12954, output: 733, reasoning: 0 },
    ],
    [
      'Roo Code, apiProtocol openai: tokensIn is the whole prompt',
      'roo-code',
      { apiProtocol: 'openai', tokensIn: 3090, tokensOut: 121, cacheWrites: 476, cacheReads: 2612 },
      { input: 2, cacheRead: 2612, cacheWrite: 476, output: 121, reasoning: 0 },
    ],
    [
      'Roo Code, apiProtocol anthropic, current builds: tokensIn is the whole prompt (uncached + writes + reads)',
      'roo-code',
      { apiProtocol: 'anthropic', tokensIn: 21060, tokensOut: 733, cacheWrites: 12954, cacheReads: 8096 },
      { input: 10, cacheRead: 8096, cacheWrite: 12954, output: 733, reasoning: 0 },
    ],
    [
      "Roo Code, apiProtocol anthropic, builds before ApiCostResult: Anthropic's uncached input",
      'kilo-code',
      { apiProtocol: 'anthropic', tokensIn: 10, tokensOut: 733, cacheWrites: 12954, cacheReads: 8096 },
      { input: 10, cacheRead: 8096, cacheWrite: 12954, output: 733, reasoning: 0 },
    ],
    [
      'Roo Code before apiProtocol (Cline code): uncached input',
      'roo-code',
      { tokensIn: 5000, tokensOut: 20, cacheWrites: 100, cacheReads: 300 },
      { input: 5000, cacheRead: 300, cacheWrite: 100, output: 20, reasoning: 0 },
    ],
  ] as const)('normalises: %s', (_name, agent, raw, expected) => {
    expect(normalise(agent, raw)).toEqual(expected);
  });

  const messages = (...items: unknown[]) => JSON.stringify(items);
  const req = (ts: number, info: unknown) => ({
    ts,
    type: 'say',
    say: 'api_req_started',
    text: JSON.stringify(info),
  });
  const FILE = '/g/saoudrizwan.claude-dev/tasks/1700000000000/ui_messages.json';

  it('skips a request still in flight and one that failed to start; counts a zero-usage answer and a cut-off one', () => {
    const { records, problems } = parse(
      'cline',
      FILE,
      messages(
        req(1700000000001, { request: 'prompt' }),
        req(1700000000002, {
          tokensIn: 0,
          tokensOut: 0,
          cacheWrites: 0,
          cacheReads: 0,
          cost: 0,
          cancelReason: 'streaming_failed',
        }),
        req(1700000000003, { tokensIn: 0, tokensOut: 0, cacheWrites: 0, cacheReads: 0, cost: 0 }),
        req(1700000000004, { tokensIn: 40, tokensOut: 7, cost: 0.001, cancelReason: 'user_cancelled' }),
        {
          ts: 1700000000005,
          type: 'say',
          say: 'deleted_api_reqs',
          text: '{"tokensIn":9,"tokensOut":9,"cost":1}',
        },
      ),
    );
    expect(problems).toEqual([]);
    expect(records.map((r) => r.start.getTime())).toEqual([1700000000003, 1700000000004]);
    expect(records[1]?.cost).toMatchObject({ basis: 'provider_reported', priceRef: 'cline-logs:cost' });
    expect(records[1]?.cost.amount?.toString()).toBe('0.001');
  });

  it('leaves a cost of 0 for tokens to the price book: unpriced, never $0', () => {
    const { records } = parse(
      'cline',
      FILE,
      messages(req(1700000000001, { tokensIn: 5, tokensOut: 5, cost: 0 })),
    );
    expect(records[0]?.cost).toEqual({ amount: null, basis: 'list_estimate', priceRef: null });
  });

  it('reports a bad message with its field and keeps the good ones around it', () => {
    const { records, problems } = parse(
      'roo-code',
      FILE,
      messages(
        req(1700000000001, { apiProtocol: 'openai', tokensIn: 100, tokensOut: 1 }),
        req(1700000000002, { apiProtocol: 'openai', tokensIn: -4, tokensOut: 1 }),
        { ts: 1700000000003, type: 'say', say: 'api_req_started', text: '{not json' },
        { ts: 'yesterday', type: 'say', say: 'api_req_started', text: '{}' },
        req(1700000000005, { apiProtocol: 'openai', tokensIn: 60_000_000, tokensOut: 1 }),
        req(1700000000006, { apiProtocol: 'openai', tokensIn: 200, tokensOut: 2 }),
      ),
    );
    expect(records.map((r) => r.tokens.input)).toEqual([100, 200]);
    expect(problems.map((p) => [p.file, p.field, p.message])).toEqual([
      [FILE, '[1].text.tokensIn', 'negative token count'],
      [FILE, '[2].text', 'invalid JSON in the request information'],
      [FILE, '[3].ts', expect.stringMatching(/number/)],
      [FILE, '[4].text', expect.stringMatching(/absurd token count 60000001/)],
    ]);
  });

  it("names the model of an older Cline task's requests from its task_metadata.json model switches", () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mileage-cline-')), 'tasks', '1760534080239');
    try {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'ui_messages.json');
      writeFileSync(
        file,
        messages(
          req(1760534080248, {
            tokensIn: 0,
            tokensOut: 173,
            cacheWrites: 11145,
            cacheReads: 0,
            cost: 0.00319945,
          }),
          req(1760534092077, {
            tokensIn: 0,
            tokensOut: 36,
            cacheWrites: 522,
            cacheReads: 11264,
            cost: 0.00096902,
          }),
          req(1760534164559, {
            tokensIn: 30,
            tokensOut: 181,
            cacheWrites: 292,
            cacheReads: 16768,
            cost: 0.01,
          }),
        ),
      );
      // Cline's TaskMetadata: files_in_context (never read) and model_usage, one entry per switch.
      writeFileSync(
        join(dir, 'task_metadata.json'),
        JSON.stringify({
          files_in_context: [{ path: 'src/app.ts', record_state: 'active', record_source: 'read_tool' }],
          model_usage: [
            {
              ts: 1760534164000,
              model_id: 'claude-sonnet-4-5-20250929',
              model_provider_id: 'anthropic',
              mode: 'act',
            },
            { ts: 1760534080250, model_id: 'deepseek-chat', model_provider_id: 'deepseek', mode: 'act' },
            { ts: 'bad' },
          ],
        }),
      );
      const parsed = taskAgentLogSource('cline').parse(
        { file, text: readFileSync(file, 'utf8'), firstLine: 1 },
        undefined,
      );
      expect(parsed.problems).toEqual([]);
      expect(parsed.records.map((r) => [r.model, r.provider])).toEqual([
        ['deepseek-chat', 'deepseek'],
        ['deepseek-chat', 'deepseek'],
        ['claude-sonnet-4-5-20250929', 'anthropic'],
      ]);
    } finally {
      rmSync(join(dir, '..', '..'), { recursive: true, force: true });
    }
  });

  it('reports a file that is not a message array, naming the file', () => {
    expect(parse('cline', FILE, '{"a":1}').problems).toEqual([
      { file: FILE, line: null, field: null, message: 'expected a JSON array of messages' },
    ]);
    expect(parse('cline', FILE, '[{"ts":1,').problems[0]?.message).toMatch(/invalid JSON/);
  });

  it("reads state/taskHistory.json as each task's totals, a replica of the task's requests", () => {
    // Cline's HistoryItem as its source types it (src/shared/HistoryItem.ts); the prompt (`task`) is not read.
    const file = '/g/saoudrizwan.claude-dev/state/taskHistory.json';
    const { records, problems } = parse(
      'cline',
      file,
      JSON.stringify([
        {
          id: '1700000000000',
          ts: 1700000900000,
          task: 'fix the login form',
          tokensIn: 30,
          tokensOut: 900,
          cacheWrites: 20000,
          cacheReads: 150000,
          totalCost: 0.4219,
          size: 123456,
          cwdOnTaskInitialization: '/home/ana/src/billing',
          modelId: 'claude-sonnet-4-5-20250929',
        },
        {
          id: '1700000000001',
          ts: 1700000950000,
          task: 'nothing yet',
          tokensIn: 0,
          tokensOut: 0,
          totalCost: 0,
        },
        { id: 7, ts: 1700000950000 },
      ]),
    );
    expect(problems.map((p) => p.field)).toEqual(['[2].id']);
    expect(records).toHaveLength(1);
    const [r] = records;
    expect(r).toMatchObject({
      granularity: 'session',
      tool: 'cline',
      model: 'claude-sonnet-4-5-20250929',
      tokens: { input: 30, cacheRead: 150000, cacheWrite: 20000, output: 900 },
      requests: 0,
      collapse: { key: 'cline-logs:task:1700000000000', replica: true },
      hints: { sessionId: '1700000000000', cwd: '/home/ana/src/billing' },
    });
    expect(r?.cost.amount?.toString()).toBe('0.4219');
    expect(JSON.stringify(records)).not.toMatch(/login form/);
  });

  it('accepts the task files of every editor and OS layout, and nothing else', () => {
    for (const path of [
      '/home/ana/.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks/1700000000000/ui_messages.json',
      '/Users/ana/Library/Application Support/Cursor/User/globalStorage/rooveterinaryinc.roo-cline/tasks/0b1c/ui_messages.json',
      'C:\\Users\\ana\\AppData\\Roaming\\Code - Insiders\\User\\globalStorage\\kilocode.kilo-code\\tasks\\7f\\ui_messages.json',
      '/home/ana/.config/Windsurf/User/globalStorage/saoudrizwan.claude-dev/state/taskHistory.json',
    ])
      expect(isTaskFile(path), path).toBe(true);
    for (const path of [
      '/g/saoudrizwan.claude-dev/tasks/1/api_conversation_history.json',
      '/g/saoudrizwan.claude-dev/tasks/1/task_metadata.json',
      '/g/saoudrizwan.claude-dev/ui_messages.json',
    ])
      expect(isTaskFile(path), path).toBe(false);
  });
});
