import { existsSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open.js';
import { ccusageBinary, cpuRatio, describeRun, loadNow, timed, type Timed } from './claude-code.js';
import { median } from '../src/domain/statistics.js';
import { generateCodexCorpus, type CodexCorpus, type CodexCorpusOptions } from './corpus/codex.js';
import { codexShape, shapeFromEnv } from './corpus/shapes.js';

/**
 * `npm run bench -- codex`: a generated Codex CLI sessions tree (cached under $MILEAGE_BENCH_DIR, default
 * the temp folder's mileage-bench), ingested by the built CLI in full and again with nothing new, with wall
 * time and peak RSS; tokens by day checked against the generator's own account of what it wrote; and
 * `ccusage codex daily --offline` (ccusage 20.0.24) side by side on the same tree.
 * Size: the generator's defaults (2,000 rollouts, 500,000 requests, about 1.1 GB), or
 * MILEAGE_BENCH_CODEX_FILES / MILEAGE_BENCH_CODEX_REQUESTS for a smaller run; `--shape=` (bench/corpus/shapes.ts)
 * for another proportion of files, requests and replays. Mileage and ccusage run alternately CODEX_BENCH_RUNS
 * times (default 3), each with wall and CPU time, and the medians are the figures (issue 26's bar: ≤ 1.0x).
 */
const CLI = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

type Day = { input: number; cacheRead: number; output: number; reasoning: number };
type Summary = Omit<CodexCorpus, 'files'> & { files: number };

/** The corpus under `dir` unless one with the same options is already there. */
async function ensureCodexCorpus(dir: string, options: CodexCorpusOptions): Promise<Summary> {
  const stamp = join(dir, 'corpus.json');
  if (existsSync(stamp)) {
    const saved = JSON.parse(readFileSync(stamp, 'utf8')) as { options: CodexCorpusOptions; corpus: Summary };
    if (JSON.stringify(saved.options) === JSON.stringify(options)) return saved.corpus;
  }
  rmSync(dir, { recursive: true, force: true });
  const c = await generateCodexCorpus(dir, options);
  const corpus: Summary = { ...c, files: c.files.length };
  writeFileSync(stamp, JSON.stringify({ options, corpus }));
  return corpus;
}

function sizeFromEnv(): CodexCorpusOptions {
  const n = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  const files = n('MILEAGE_BENCH_CODEX_FILES');
  const requests = n('MILEAGE_BENCH_CODEX_REQUESTS');
  return { ...(files ? { files } : {}), ...(requests ? { requests } : {}) };
}

export async function benchCodex(): Promise<void> {
  const dir = process.env.MILEAGE_BENCH_DIR ?? join(tmpdir(), 'mileage-bench');
  const shape = shapeFromEnv();
  const size = sizeFromEnv();
  const options = codexShape(shape, size);
  const name =
    shape !== 'default'
      ? `codex-corpus-${shape}-${options.files}-${options.requests}`
      : size.files || size.requests
        ? `codex-corpus-${size.files}-${size.requests}`
        : 'codex-corpus';
  const root = join(dir, name);
  const t = performance.now();
  const corpus = await ensureCodexCorpus(root, options);
  console.log(
    `corpus (${shape}): ${corpus.files} rollouts, ${(corpus.bytes / 1e6).toFixed(0)} MB, ${corpus.tokenCountLines.toLocaleString('en-US')} token_count lines, ${corpus.expected.total.requests.toLocaleString('en-US')} requests (ready in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
  if (!existsSync(CLI)) throw new Error('run `npm run build` first');
  const env = { ...process.env, TZ: 'UTC', CODEX_HOME: root };
  const row = (label: string, r: Timed, note = '') =>
    console.log(`${label.padEnd(38)} ${describeRun(r)}${note}`);

  // Side by side, alternating, CODEX_BENCH_RUNS times (default 3): each pair's ratio, and the medians.
  const runs = Math.max(1, Number(process.env.CODEX_BENCH_RUNS ?? 3));
  const work = mkdtempSync(join(tmpdir(), 'mileage-bench-codex-'));
  try {
    const store = join(work, 'bench.duckdb');
    const args = [CLI, 'ingest', 'codex', join(root, 'sessions'), '--db', store, '--json'];
    const peerArgs = ['codex', 'daily', '--json', '--offline', '--timezone', 'UTC'];
    const pairs: { peer: Timed; full: Timed }[] = [];
    for (let i = 0; i < runs; i++) {
      const peer = timed(ccusageBinary(dir), peerArgs, env);
      if (peer.status !== 0) throw new Error(`ccusage codex daily --offline failed: ${peer.stderr}`);
      for (const f of [store, `${store}.wal`]) rmSync(f, { force: true });
      const full = timed(process.execPath, args, env);
      if (full.status !== 0) throw new Error(`mileage failed: ${full.stderr}`);
      pairs.push({ peer, full });
    }
    const rerun = timed(process.execPath, args, env);
    pairs.forEach(({ peer, full }, i) => {
      row(`ccusage codex daily (peer), run ${i + 1}`, peer);
      row(
        `mileage ingest codex, run ${i + 1}`,
        full,
        `   = ${(full.seconds / peer.seconds).toFixed(2)}x of ccusage`,
      );
    });
    console.log(
      `median of ${runs}: mileage ${median(pairs.map((p) => p.full.seconds)).toFixed(2)} s, ccusage ${median(pairs.map((p) => p.peer.seconds)).toFixed(2)} s = ${median(pairs.map((p) => p.full.seconds / p.peer.seconds)).toFixed(2)}x (bar ≤ 1.0x); CPU ${cpuRatio(pairs)}; ${loadNow()}`,
    );
    row('mileage ingest codex, re-run', rerun, '   (nothing new)');
    const peer = pairs.at(-1)?.peer;
    if (!peer) throw new Error('no run');

    const db = await openStore(store);
    const ours = new Map<string, Day>();
    for (const r of await db.query(
      `SELECT CAST(day AS VARCHAR) AS day, sum(input_tokens)::BIGINT AS i, sum(cache_read_tokens)::BIGINT AS cr,
         sum(output_tokens)::BIGINT AS o, sum(reasoning_tokens)::BIGINT AS re
       FROM usage_identity WHERE source = 'codex-logs' GROUP BY day`,
    ))
      ours.set(String(r.day), {
        input: Number(r.i),
        cacheRead: Number(r.cr),
        output: Number(r.o),
        reasoning: Number(r.re),
      });
    await db.close();
    const truth = new Map(Object.entries(corpus.expected.byDay));
    console.log(`\ntokens by day vs the generator's truth: ${describe(ours, truth)}`);
    const theirs = new Map<string, Day>(
      (
        JSON.parse(peer.stdout) as {
          daily: {
            date: string;
            inputTokens: number;
            cacheReadTokens: number;
            outputTokens: number;
            reasoningOutputTokens: number;
          }[];
        }
      ).daily.map((d) => [
        d.date,
        {
          input: d.inputTokens,
          cacheRead: d.cacheReadTokens,
          output: d.outputTokens,
          reasoning: d.reasoningOutputTokens,
        },
      ]),
    );
    console.log(`tokens by day, ccusage vs the generator's truth: ${describe(theirs, truth)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Whether every day's input, cache reads, output and reasoning equal the truth; the first differences if not. */
function describe(seen: Map<string, Day>, truth: Map<string, Day>): string {
  const keys = ['input', 'cacheRead', 'output', 'reasoning'] as const;
  const diffs: string[] = [];
  for (const day of new Set([...seen.keys(), ...truth.keys()])) {
    const s = seen.get(day);
    const t = truth.get(day);
    const bad = keys.filter((k) => (s?.[k] ?? 0) !== (t?.[k] ?? 0));
    if (bad.length > 0)
      diffs.push(`${day}: ${bad.map((k) => `${k} ${s?.[k] ?? 0} vs ${t?.[k] ?? 0}`).join(', ')}`);
  }
  return diffs.length === 0
    ? `equal on every day (${truth.size} days)`
    : `${diffs.length} of ${truth.size} day(s) differ\n  ${diffs.slice(0, 10).join('\n  ')}`;
}
