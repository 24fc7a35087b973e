import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClaudeCorpus, type ClaudeCorpusTruth } from '../../bench/corpus/claude-code.js';
import { generateCodexCorpus, type CodexCorpus } from '../../bench/corpus/codex.js';
import { openStore } from '../../src/store/open.js';
import { lines, ScriptedRepo } from '../git-repo.js';
import { mileage } from './cli.js';

/**
 * The agent-log commands end to end, through the built CLI: export a machine's logs to a bundle and load
 * it elsewhere, load bundles twice or overlapping, `scan` a home folder, and report damaged lines. Every
 * expected total comes from the corpus generators' own account of what they wrote.
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-e2e-logs-'));
const claudeDir = join(root, 'claude');
const codexDir = join(root, 'codex');
const nowhere = join(root, 'nowhere');
const absent = join(root, 'absent');
let claude: ClaudeCorpusTruth;
let codex: CodexCorpus;

/** Tokens by source and day: `source day` → [input, cache read, cache write, output, requests]. */
type Totals = Record<string, [number, number, number, number, number]>;

const USER = 'ana@acme.com';
/** A machine whose only agent logs are the given folders (no Gemini or Copilot CLI logs). */
const machine = (claudeConfig: string, codexHome: string) => ({
  CLAUDE_CONFIG_DIR: claudeConfig,
  CODEX_HOME: codexHome,
  GEMINI_DATA_DIR: absent,
  MILEAGE_USER: USER,
});

function expectedTotals(withCodex: boolean): Totals {
  const out: Totals = {};
  for (const [day, d] of Object.entries(claude.byDay))
    out[`claude-code-logs ${day}`] = [d.input, d.cacheRead, d.cacheWrite, d.output, d.requests];
  if (withCodex)
    for (const [day, d] of Object.entries(codex.expected.byDay))
      out[`codex-logs ${day}`] = [d.input, d.cacheRead, 0, d.output, d.requests];
  return out;
}

async function storeTotals(path: string): Promise<Totals> {
  const db = await openStore(path);
  try {
    const rows = await db.query(
      `SELECT source, CAST(day AS VARCHAR) AS day, sum(input_tokens)::BIGINT AS i,
         sum(cache_read_tokens)::BIGINT AS cr, sum(cache_write_tokens)::BIGINT AS cw,
         sum(output_tokens)::BIGINT AS o, sum(requests)::BIGINT AS n
       FROM usage_identity GROUP BY ALL`,
    );
    const out: Totals = {};
    for (const r of rows)
      out[`${String(r.source)} ${String(r.day)}`] = [
        Number(r.i),
        Number(r.cr),
        Number(r.cw),
        Number(r.o),
        Number(r.n),
      ];
    return out;
  } finally {
    await db.close();
  }
}

/** Stored agent-log records (Codex stores one per turn, so fewer than requests), replicas included. */
async function storedRecords(path: string): Promise<number> {
  const db = await openStore(path);
  try {
    const [row] = await db.query(
      `SELECT count(*)::BIGINT AS n FROM usage WHERE source IN ('claude-code-logs', 'codex-logs')`,
    );
    return Number(row?.n);
  } finally {
    await db.close();
  }
}

async function ok(args: string[], env: Record<string, string>) {
  const r = await mileage(args, { cwd: root, env });
  expect(r.code, r.stderr).toBe(0);
  return r;
}

beforeAll(async () => {
  claude = writeClaudeCorpus(claudeDir, {
    seed: 7,
    sessions: 8,
    assistantLines: 8 * 40,
    start: '2026-09-01',
    days: 3,
    damageRate: 0,
  });
  codex = await generateCodexCorpus(codexDir, { seed: 3, files: 6, requests: 120, days: 3 });
  mkdirSync(nowhere);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('export-logs and ingest bundle', () => {
  const bundle = join(root, 'machine.jsonl.gz');
  const orgStore = join(root, 'org.duckdb');

  it('a bundle loaded into a fresh store gives the totals of a direct ingest of the same folders', async () => {
    const direct = join(root, 'machine.duckdb');
    const env = machine(claudeDir, codexDir);
    const exported = await ok(['export-logs', '--out', bundle, '--db', direct, '--json'], env);
    const head = JSON.parse(exported.stdout) as { requests: number; user: string };
    expect(head.user).toBe(USER);
    const expected = expectedTotals(true);
    expect(await storeTotals(direct)).toEqual(expected);
    expect(head.requests).toBe(await storedRecords(direct));
    await ok(['ingest', 'bundle', bundle, '--db', orgStore], env);
    expect(await storeTotals(orgStore)).toEqual(expected);
  });

  it('loading the same bundle again changes no total', async () => {
    const env = machine(nowhere, nowhere);
    const before = await storeTotals(orgStore);
    const again = await ok(['ingest', 'bundle', bundle, '--db', orgStore, '--json'], env);
    const summary = JSON.parse(again.stdout) as { records: number; written: number; alreadyStored: number };
    expect(summary.records).toBe(await storedRecords(orgStore));
    expect(summary.written).toBe(0);
    expect(summary.alreadyStored).toBe(summary.records);
    expect(await storeTotals(orgStore)).toEqual(before);
  });

  it('the same sessions exported by two machines count once', async () => {
    // Two machines holding overlapping copies of the transcripts (a synced home folder, say).
    const files = readdirSync(join(claudeDir, 'projects'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(claudeDir, join(e.parentPath, e.name)))
      .sort();
    const third = Math.ceil(files.length / 3);
    const halves = [files.slice(0, 2 * third), files.slice(third)];
    expect(halves[0]?.filter((f) => halves[1]?.includes(f)).length).toBeGreaterThan(0);
    const bundles: string[] = [];
    const counts: number[] = [];
    for (const [i, part] of halves.entries()) {
      const home = join(root, `laptop${i}`);
      for (const f of part ?? []) {
        mkdirSync(dirname(join(home, f)), { recursive: true });
        cpSync(join(claudeDir, f), join(home, f));
      }
      const out = join(root, `laptop${i}.jsonl.gz`);
      const r = await ok(
        ['export-logs', '--out', out, '--db', join(root, `laptop${i}.duckdb`), '--json'],
        machine(home, nowhere),
      );
      // Only Claude Code here: one record per request.
      counts.push((JSON.parse(r.stdout) as { requests: number }).requests);
      bundles.push(out);
    }
    // Each machine alone misses requests; together they hold some twice.
    for (const n of counts) expect(n).toBeLessThan(claude.requests);
    expect((counts[0] ?? 0) + (counts[1] ?? 0)).toBeGreaterThan(claude.requests);

    const store = join(root, 'two-machines.duckdb');
    await ok(['ingest', 'bundle', ...bundles, '--db', store], machine(nowhere, nowhere));
    expect(await storeTotals(store)).toEqual(expectedTotals(false));
  });
});

describe('mileage scan', () => {
  it('reads merged work from the git checkouts the sessions worked in, and divides spend by your own PRs', async () => {
    const repo = new ScriptedRepo('mileage-e2e-scan-git-');
    try {
      const me = { name: 'Ana', email: USER };
      repo.write('src/a.ts', lines('a', 10));
      repo.commit('feat: a (#1)', 0, { author: me });
      repo.write('src/b.ts', lines('b', 10));
      repo.commit('feat: b (#2)', 1, { author: { name: 'Bea', email: 'bea@acme.com' } });
      repo.write('src/c.ts', lines('c', 10));
      repo.commit('feat: c (#3)', 2, { author: me });
      // One session, run in a subfolder of the checkout: two requests with reported costs ($0.50, $0.30).
      const request = (n: number, cost: number) =>
        JSON.stringify({
          type: 'assistant',
          sessionId: 'sess-git',
          requestId: `req_git${n}`,
          timestamp: `2026-01-0${5 + n}T10:00:00.000Z`,
          cwd: join(repo.dir, 'src'),
          gitBranch: 'main',
          costUSD: cost,
          message: {
            id: `msg_git${n}`,
            model: 'claude-sonnet-4-5',
            usage: {
              input_tokens: 10,
              cache_read_input_tokens: 0,
              cache_creation_input_tokens: 0,
              output_tokens: 20,
            },
          },
        });
      const home = join(root, 'git-home');
      const transcript = join(home, 'projects', '-repo', 'sess-git.jsonl');
      mkdirSync(dirname(transcript), { recursive: true });
      writeFileSync(transcript, `${request(1, 0.5)}\n${request(2, 0.3)}\n`);
      type Scan = {
        repositories: { units: number }[];
        report: {
          costPerMergedPr: {
            prs: number;
            perPr: string;
            window: { since: string; until: string };
          } | null;
        };
      };

      const store = join(root, 'scan-git.duckdb');
      const scan = JSON.parse(
        (await ok(['scan', '--db', store, '--json'], machine(home, nowhere))).stdout,
      ) as Scan;
      expect(scan.repositories.map((r) => r.units)).toEqual([3]);
      // Bea's PR is in the repository but not Ana's work: $0.80 over Ana's two PRs.
      expect(scan.report.costPerMergedPr).toMatchObject({ prs: 2, perPr: '0.40' });
      // The same store, no org file: the catalog metric computes the same figure for Ana's person bucket
      // (her identity is a person of its own), and Bea is a person with PRs and no spend.
      const window = scan.report.costPerMergedPr?.window;
      expect(window).toEqual({ since: '2026-01-05', until: '2026-01-08' });
      const query = async (...by: string[]) =>
        JSON.parse(
          (
            await ok(
              [
                'query',
                'effectiveness.cost_per_merged_pr',
                ...by,
                '--json',
                '--db',
                store,
                '--since',
                window?.since ?? '',
                '--until',
                window?.until ?? '',
              ],
              machine(home, nowhere),
            )
          ).stdout,
        ) as {
          rows: {
            values: { cost_per_unit: number | string | null; spend: number | string; count: number };
          }[];
        };
      // Piped output renders for an org-wide viewer (people folded); the store's holder asks to see them.
      const byPerson = (await query('--by', 'person', '--as', 'owner')).rows.map((r) => r.values);
      expect(
        byPerson
          .map((v) => [Number(v.cost_per_unit ?? NaN).toFixed(2), Number(v.spend).toFixed(2), v.count])
          .sort(),
      ).toEqual([
        ['0.00', '0.00', 1],
        ['0.40', '0.80', 2],
      ]);
      // The whole org: the same $0.80 of people spend over the repository's 3 merged PRs.
      const all = (await query()).rows.map((r) => r.values);
      expect(all.map((v) => [Number(v.spend).toFixed(2), v.count])).toEqual([['0.80', 3]]);

      const withoutGit = JSON.parse(
        (
          await ok(
            ['scan', '--db', join(root, 'scan-no-git.duckdb'), '--json', '--no-git'],
            machine(home, nowhere),
          )
        ).stdout,
      ) as Scan;
      expect(withoutGit.repositories).toEqual([]);
      expect(withoutGit.report.costPerMergedPr).toBeNull();
    } finally {
      repo.cleanup();
    }
  });

  it('finds Claude Code and Codex logs under the home folder, ingests them and prints the report', async () => {
    const store = join(root, 'scan.duckdb');
    const env = machine(claudeDir, codexDir);
    const r = await ok(['scan', '--db', store], env);
    const expected = expectedTotals(true);
    expect(await storeTotals(store)).toEqual(expected);

    const requests = claude.requests + codex.expected.total.requests;
    const text = r.stdout + r.stderr;
    expect(text).toContain(`claude-code: ${claude.files} files in ${join(claudeDir, 'projects')}`);
    expect(text).toContain(`codex: ${codex.files.length} files in ${join(codexDir, 'sessions')}`);
    expect(r.stdout).toContain(`over ${requests.toLocaleString('en-US')} requests`);
    const tokensOf = (source: string) =>
      Object.entries(expected)
        .filter(([k]) => k.startsWith(`${source} `))
        .reduce((a, [, t]) => a + t[0] + t[1] + t[2] + t[3], 0);
    const toolLine = (tool: string) => r.stdout.split('\n').find((l) => l.trimStart().startsWith(`${tool} `));
    expect(toolLine('claude-code')).toContain(
      `${tokensOf('claude-code-logs').toLocaleString('en-US')} tokens`,
    );
    expect(toolLine('codex')).toContain(`${tokensOf('codex-logs').toLocaleString('en-US')} tokens`);

    // The same report as JSON; a second scan finds nothing new and reports the same totals.
    const json = await ok(['scan', '--db', store, '--json'], env);
    const parsed = JSON.parse(json.stdout) as {
      sources: { tool: string; summary: { files: number; unchanged: number; written: number } }[];
      report: { total: { requests: number; tokens: number }; byTool: { key: string; tokens: number }[] };
    };
    expect(parsed.sources.map((s) => s.tool).sort()).toEqual(['claude-code', 'codex']);
    for (const s of parsed.sources) {
      expect(s.summary.unchanged).toBe(s.summary.files);
      expect(s.summary.written).toBe(0);
    }
    expect(parsed.report.total.requests).toBe(requests);
    expect(parsed.report.total.tokens).toBe(tokensOf('claude-code-logs') + tokensOf('codex-logs'));
    expect(Object.fromEntries(parsed.report.byTool.map((t) => [t.key, t.tokens]))).toEqual({
      'claude-code': tokensOf('claude-code-logs'),
      codex: tokensOf('codex-logs'),
    });
  });
});

describe('damaged transcripts', () => {
  it('--verbose lists each bad line with its number, the summary counts them, the good lines are kept', async () => {
    const dir = join(root, 'damaged', 'projects', '-home-ana-src-api');
    mkdirSync(dir, { recursive: true });
    const good = (n: number, input: number, output: number) =>
      JSON.stringify({
        type: 'assistant',
        sessionId: 's-damaged',
        cwd: '/home/ana/src/api',
        requestId: `req_011CDamaged${n}`,
        timestamp: `2026-09-0${n}T10:00:00.000Z`,
        message: {
          id: `msg_01Damaged${n}`,
          model: 'claude-sonnet-4-5-20250929',
          usage: {
            input_tokens: input,
            cache_read_input_tokens: 0,
            cache_creation_input_tokens: 0,
            output_tokens: output,
          },
        },
      });
    const absurd = good(3, 4, 50_000_000);
    const file = join(dir, 'session.jsonl');
    writeFileSync(
      file,
      [good(1, 11, 21), '{"type":"assistant","message":{', good(2, 12, 22), absurd].join('\n') + '\n',
    );

    const store = join(root, 'damaged.duckdb');
    const r = await ok(['ingest', 'claude-code', join(root, 'damaged'), '--db', store, '--verbose'], {});
    const text = r.stdout + r.stderr;
    expect(text).toContain('2 bad line(s) or field(s) skipped in 1 file(s)');
    expect(text).toMatch(new RegExp(`${file}:2\\b.*invalid JSON`));
    expect(text).toMatch(new RegExp(`${file}:4\\b.*absurd`));
    expect(await storeTotals(store)).toEqual({
      'claude-code-logs 2026-09-01': [11, 0, 0, 21, 1],
      'claude-code-logs 2026-09-02': [12, 0, 0, 22, 1],
    });
  });
});
