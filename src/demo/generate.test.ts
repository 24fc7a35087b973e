import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperiments } from '../governance/experiment-file.js';
import { parseGatewayRecords } from '../gateway/shipped.js';
import { parseOrgFile } from '../org/index.js';
import { buildDemo, generateDemo, type DemoContent } from './generate.js';
import { measureDemo } from './measure.js';
import { CONTROL, PLANTED, demoOptions, type DemoFileKind } from './options.js';

/** A small organisation: 12 engineers, two months. */
const small = (seed: number, effects = PLANTED) =>
  buildDemo(demoOptions({ seed, engineers: 12, months: 2, effects }));

const ofKind = (c: DemoContent, kind: DemoFileKind) => [...c.files].filter(([, f]) => f.kind === kind);
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the demo generator, on a small organisation', () => {
  let demo: DemoContent;
  beforeAll(() => {
    demo = small(3);
  });

  it('gives the same bytes for the same seed and options', () => {
    const again = small(3);
    expect([...again.files.keys()]).toEqual([...demo.files.keys()]);
    for (const [path, f] of demo.files) expect(again.files.get(path)?.text, path).toBe(f.text);
    expect(again.truth).toEqual(demo.truth);
  });

  it('gives different organisations for different seeds', () => {
    const other = small(4);
    expect(other.files.get('mileage.yaml')?.text).not.toBe(demo.files.get('mileage.yaml')?.text);
    expect(other.files.get('gateway/records.jsonl')?.text).not.toBe(
      demo.files.get('gateway/records.jsonl')?.text,
    );
    expect(
      other.truth.heavyEngineer === demo.truth.heavyEngineer && other.truth.spikeDay === demo.truth.spikeDay,
    ).toBe(false);
  });

  it('writes every kind of source file', () => {
    const kinds = new Set([...demo.files.values()].map((f) => f.kind));
    for (const kind of [
      'org',
      'claude-code-log',
      'anthropic-usage-report',
      'anthropic-cost-report',
      'cursor-usage-events',
      'gateway-records',
      'github-pulls',
      'jira-search',
      'outcomes-csv',
    ] as const)
      expect(kinds.has(kind), kind).toBe(true);
  });

  it('writes an org file the org loader accepts, with four teams, bots, workflows and seats', () => {
    const parsed = parseOrgFile(demo.files.get('mileage.yaml')?.text ?? '', 'mileage.yaml');
    expect(parsed.ok, JSON.stringify(parsed.ok ? null : parsed.error)).toBe(true);
    const text = demo.files.get('mileage.yaml')?.text ?? '';
    expect(text).toContain('time_zone: America/New_York');
    expect(text).not.toContain('price_overrides');
    // Twelve people and the planted experiment, whose section governance reads (and accepts).
    expect(text.match(/^ {2}- id: /gm)).toHaveLength(13);
    const experiments = parseExperiments(text, 'mileage.yaml');
    expect(experiments.ok ? experiments.value.map((e) => e.id) : experiments.error).toEqual([
      'agents-on-the-pr-loop',
    ]);
    expect(text).toContain('workflow: alert-triage, workload_type: triage');
    expect(text).toContain('stream: "anthropic:acme:wrkspc_claude_code"');
  });

  it('writes JSON files that parse, and Claude Code lines that carry message.id, requestId and usage', () => {
    for (const [path, f] of demo.files) {
      if (path.endsWith('.json')) expect(() => JSON.parse(f.text) as unknown, path).not.toThrow();
    }
    // Plain checks collected per line (an expect per field of 30k lines is slow): the problems must be none.
    const problems: string[] = [];
    const within = (v: number | undefined, lo: number, hi: number) => v !== undefined && v >= lo && v <= hi;
    let assistant = 0;
    let partial = 0;
    for (const [path, f] of ofKind(demo, 'claude-code-log')) {
      expect(path).toMatch(
        /^claude\/projects\/-home-[a-z-]+-src-[a-z-]+\/[0-9a-f-]{36}(\/subagents\/agent-[0-9a-f]{8})?\.jsonl$/,
      );
      for (const line of jsonLines(f.text)) {
        const where = `${path}: ${JSON.stringify(line).slice(0, 80)}`;
        if (line.type !== 'user' && line.type !== 'assistant') problems.push(`type: ${where}`);
        if (typeof line.sessionId !== 'string') problems.push(`sessionId: ${where}`);
        if (line.isSidechain !== path.includes('/subagents/')) problems.push(`isSidechain: ${where}`);
        if (line.type !== 'assistant') continue;
        assistant++;
        const message = line.message as {
          id: unknown;
          usage: Record<string, number | undefined>;
          content: unknown[];
        };
        const u = message.usage;
        if (typeof message.id !== 'string' || !message.id.startsWith('msg_01')) problems.push(`id: ${where}`);
        if (typeof line.requestId !== 'string' || !line.requestId.startsWith('req_'))
          problems.push(`requestId: ${where}`);
        if (typeof line.version !== 'string' || !/^2\.1\.\d+$/.test(line.version))
          problems.push(`version: ${where}`);
        if (message.content.length !== 1) problems.push(`content: ${where}`);
        if (!within(u.input_tokens, 5, 200)) problems.push(`input: ${where}`);
        if (!within(u.cache_read_input_tokens, 20_000, 120_000)) problems.push(`cache read: ${where}`);
        if (!within(u.cache_creation_input_tokens, 500, 5_000)) problems.push(`cache write: ${where}`);
        if (!within(u.output_tokens, 1, 2_500)) problems.push(`output: ${where}`);
        if ((u.output_tokens ?? 0) <= 5) partial++;
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(assistant).toBeGreaterThan(1000);
    expect(partial).toBeGreaterThan(0);
  });

  it('writes one line per content block, sharing message.id and requestId, the final output on the last', () => {
    const [, f] = ofKind(demo, 'claude-code-log')[0] ?? [];
    const byMessage = new Map<string, { requestId: unknown; outputs: number[] }>();
    for (const line of jsonLines(f?.text ?? '')) {
      if (line.type !== 'assistant') continue;
      const m = line.message as { id: string; usage: { output_tokens: number } };
      const entry = byMessage.get(m.id) ?? { requestId: line.requestId, outputs: [] };
      expect(line.requestId).toBe(entry.requestId);
      entry.outputs.push(m.usage.output_tokens);
      byMessage.set(m.id, entry);
    }
    for (const { outputs } of byMessage.values()) {
      expect(outputs.length).toBeLessThanOrEqual(3);
      expect(outputs.at(-1)).toBeGreaterThanOrEqual(100);
      for (const early of outputs.slice(0, -1)) expect(early).toBeLessThanOrEqual(5);
    }
  });

  it('has a few sessions with subagent transcripts', () => {
    const logs = ofKind(demo, 'claude-code-log');
    const subagents = logs.filter(([p]) => p.includes('/subagents/')).length;
    expect(subagents).toBeGreaterThan(0);
    expect(subagents / logs.length).toBeLessThan(0.1);
  });

  it('puts sessions on the branches of PRs, and PR branches name Jira tickets that were closed', () => {
    const prs = ofKind(demo, 'github-pulls').flatMap(
      ([, f]) =>
        JSON.parse(f.text) as { headRefName: string; title: string; labels: { nodes: { name: string }[] } }[],
    );
    const branches = new Set(prs.map((p) => p.headRefName));
    const sessionBranches = new Set(
      ofKind(demo, 'claude-code-log').map(
        ([, f]) => (JSON.parse(f.text.split('\n')[0] ?? '{}') as { gitBranch: string }).gitBranch,
      ),
    );
    const onPrs = [...sessionBranches].filter((b) => branches.has(b)).length;
    expect(onPrs / sessionBranches.size).toBeGreaterThan(0.6);
    const tickets = new Set(
      ofKind(demo, 'jira-search').flatMap(([, f]) =>
        (JSON.parse(f.text) as { issues: { key: string; fields: Record<string, unknown> }[] }).issues.map(
          (i) => i.key,
        ),
      ),
    );
    const keyed = prs
      .map((p) => /[A-Z]+-\d+/.exec(p.headRefName)?.[0])
      .filter((k): k is string => k !== undefined);
    expect(keyed.length).toBeGreaterThan(prs.length * 0.7);
    for (const key of keyed) expect(tickets.has(key), key).toBe(true);
    expect(prs.some((p) => p.title.startsWith('Revert "'))).toBe(true);
  });

  it('writes cost report amounts as decimal strings of cents, equal to the tokens at list price less 10%', () => {
    for (const [, f] of ofKind(demo, 'anthropic-cost-report')) {
      for (const bucket of (
        JSON.parse(f.text) as { data: { results: { amount: unknown; cost_type: string }[] }[] }
      ).data)
        for (const r of bucket.results) {
          expect(typeof r.amount).toBe('string');
          expect(r.amount).toMatch(/^\d+(\.\d+)?$/);
          expect(r.cost_type).toBe('tokens');
        }
    }
    const m = measureDemo(demo.files);
    expect(m.costReportIsBilledList).toBe(true);
    expect(m.logsMatchReport).toBe(true);
  });

  it('chains report and search pages', () => {
    const usage = ofKind(demo, 'anthropic-usage-report').map(
      ([, f]) => JSON.parse(f.text) as { has_more: boolean; next_page: string | null; data: unknown[] },
    );
    expect(usage.length).toBeGreaterThan(1);
    usage.forEach((page, i) => {
      expect(page.data.length).toBeLessThanOrEqual(31);
      expect(page.has_more).toBe(i < usage.length - 1);
      expect(page.next_page === null).toBe(i === usage.length - 1);
    });
    const jira = ofKind(demo, 'jira-search').map(([, f]) => JSON.parse(f.text) as { isLast: boolean });
    expect(jira.at(-1)?.isLast).toBe(true);
  });

  it('keeps two engineers without transcripts: their usage is only in the usage report', () => {
    expect(demo.truth.withoutLogs).toHaveLength(2);
    const yaml = demo.files.get('mileage.yaml')?.text ?? '';
    const report = ofKind(demo, 'anthropic-usage-report')
      .map(([, f]) => f.text)
      .join('');
    for (const id of demo.truth.withoutLogs) {
      const login = id.replace('.', '-');
      expect(ofKind(demo, 'claude-code-log').some(([p]) => p.includes(`-home-${login}-src-`))).toBe(false);
      const key =
        new RegExp(`id: ${id.replace('.', '\\.')}[\\s\\S]*?key_ids: \\[(\\S+)\\]`).exec(yaml)?.[1] ?? '?';
      expect(report).toContain(`"api_key_id":"${key}"`);
    }
  });

  it("writes the support bot's gateway records (one a request, under their request ids) and the outcomes file", () => {
    const parsed = parseGatewayRecords(demo.files.get('gateway/records.jsonl')?.text ?? '', 'records.jsonl');
    expect(parsed.problems).toEqual([]);
    expect(parsed.records.length).toBeGreaterThan(100);
    const first = parsed.records[0];
    expect(first).toMatchObject({
      source: 'gateway',
      granularity: 'request',
      provider: 'azure',
      model: 'acme-support-ft-v3',
      stream: 'gateway:acme',
      requests: 1,
      hints: { keyId: 'gw-support-triage', teamTag: 'data', workflow: 'support-triage' },
      served: { status: 200 },
    });
    expect(first?.served?.ttftMs).toBeLessThan(first?.served?.latencyMs ?? 0);
    const control = parseGatewayRecords(
      small(3, CONTROL).files.get('gateway/records.jsonl')?.text ?? '',
      'records.jsonl',
    ).records;
    expect(control[0]).toMatchObject({ provider: 'openai', model: 'gpt-4.1-mini' });
    const outcomes = demo.files.get('outcomes/outcomes.csv')?.text.split('\n') ?? [];
    expect(outcomes[0]).toBe('at,workflow,kind,count,value,actor,ref');
    const kinds = new Set(outcomes.slice(1, -1).map((l) => l.split(',')[2]));
    expect([...kinds].sort()).toEqual(['alert_triaged', 'review_posted', 'ticket_resolved']);
  });

  it('writes Cursor events with epoch-millisecond string timestamps for the frontend team', () => {
    for (const [, f] of ofKind(demo, 'cursor-usage-events')) {
      const page = JSON.parse(f.text) as {
        usageEvents: {
          timestamp: unknown;
          kind: string;
          userEmail: string;
          tokenUsage: { totalCents: number };
        }[];
      };
      for (const e of page.usageEvents) {
        expect(e.timestamp).toMatch(/^\d{13}$/);
        expect(e.kind).toBe('Included in Business');
        expect(e.tokenUsage.totalCents).toBeGreaterThan(0);
      }
    }
  });
});

describe('generateDemo', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mileage-demo-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the files it lists and replaces an earlier demo, leaving other files alone', async () => {
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const options = demoOptions({ seed: 5, engineers: 8, months: 1 });
    const first = await generateDemo(options, dir);
    expect(existsSync(first.orgFile)).toBe(true);
    for (const f of first.files) expect(existsSync(f.path), f.path).toBe(true);
    const second = await generateDemo({ ...options, seed: 6 }, dir);
    expect(existsSync(join(dir, 'keep.txt'))).toBe(true);
    const stale = first.files.filter((f) => !second.files.some((g) => g.path === f.path));
    expect(stale.length).toBeGreaterThan(0);
    for (const f of stale) expect(existsSync(f.path), f.path).toBe(false);
    expect(readFileSync(second.orgFile, 'utf8')).toBe(
      buildDemo({ ...options, seed: 6 }).files.get('mileage.yaml')?.text,
    );
  });
});
