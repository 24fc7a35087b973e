import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mileage } from './cli.js';

interface Report {
  window: { since: string; until: string };
  headline: {
    spend: string;
    mergedPrs: number;
    unpricedTokens: number;
    unpricedModels: string[];
    prSpendBySession: number | null;
  };
  byTeam: { label: string; cost: string; share: number }[];
  findings: { id: string; flag: boolean; answer: string; evidence: Record<string, string | number> }[];
}

/** The 12 weeks the variance finding compares people over, ending where the report ends. */
function varianceSince(until: string): string {
  return new Date(Date.parse(`${until}T00:00:00Z`) - 84 * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Everyone at ≥ 3x the median cost per merged PR of their team's other people, computed here from the
 * per-person figures `query` prints and the teams of the demo's org file, independently of the finding.
 */
async function aboveThreeX(cwd: string, orgFile: string, r: Report): Promise<string[]> {
  const q = await mileage(
    [
      'query',
      'effectiveness.cost_per_merged_pr',
      '--by',
      'person',
      '--json',
      '--db',
      'store.duckdb',
      '--config',
      orgFile,
      '--since',
      varianceSince(r.window.until),
      '--until',
      r.window.until,
    ],
    { cwd },
  );
  expect(q.code, q.stderr).toBe(0);
  const rows = (
    JSON.parse(q.stdout) as { rows: { label: string; values: { spend: number; count: number } }[] }
  ).rows;
  const yaml = await readFile(join(cwd, orgFile), 'utf8');
  const team = new Map([...yaml.matchAll(/name: "([^"]+)"\n\s+team: (\S+)/g)].map((m) => [m[1], m[2]]));
  const rate = rows
    .filter((x) => x.values.count > 0)
    .map((x) => ({ name: x.label, team: team.get(x.label), perPr: x.values.spend / x.values.count }));
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
  };
  return rate
    .filter((p) => {
      const peers = rate.filter((q) => q.team === p.team && q.name !== p.name).map((q) => q.perPr);
      return peers.length >= 2 && p.perPr >= 3 * median(peers);
    })
    .map((p) => p.name);
}

async function demoReport(cwd: string, args: string[]): Promise<Report> {
  const demo = await mileage(['demo', '--db', 'store.duckdb', ...args], { cwd });
  expect(demo.code, demo.stderr).toBe(0);
  const report = await mileage(['report', 'weekly', '--db', 'store.duckdb', '--json'], { cwd });
  expect(report.code, report.stderr).toBe(0);
  return JSON.parse(report.stdout) as Report;
}

/** The planted experiment's report through the CLI, as JSON and as the Markdown page for the CFO. */
async function experimentReport(
  cwd: string,
  orgFile: string,
): Promise<{ verdict: string; markdown: string }> {
  const args = ['experiment', 'report', 'agents-on-the-pr-loop', '--db', 'store.duckdb', '--config', orgFile];
  const json = await mileage([...args, '--format', 'json'], { cwd });
  expect(json.code, json.stderr).toBe(0);
  const markdown = await mileage([...args, '--format', 'markdown'], { cwd });
  expect(markdown.code, markdown.stderr).toBe(0);
  return { verdict: (JSON.parse(json.stdout) as { verdict: string }).verdict, markdown: markdown.stdout };
}

const flagged = (r: Report) =>
  r.findings
    .filter((f) => f.flag)
    .map((f) => f.id)
    .sort();

describe('the demo and the weekly diagnostic, end to end through the CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mileage-e2e-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds every planted effect', async () => {
    const cwd = await mkdtemp(join(dir, 'planted-'));
    const r = await demoReport(cwd, ['--seed', '7']);
    expect(flagged(r)).toEqual([
      'anomaly.daily_spike',
      'anomaly.stuck_sessions',
      'data.unpriced_volume',
      'model_fit.top_workload',
      'quality.rework_share',
      'trajectory.spend_vs_delivery',
      'variance.cost_per_pr_spread',
    ]);
    const trajectory = r.findings.find((f) => f.id === 'trajectory.spend_vs_delivery');
    expect(trajectory?.evidence.spend_growth).toMatch(/^\d+\.\d\dx$/); // a multiple, said so
    expect(parseFloat(String(trajectory?.evidence.spend_growth))).toBeGreaterThan(3.5);
    expect(parseFloat(String(trajectory?.evidence.delivery_points_growth))).toBeLessThan(1.6);
    const fit = r.findings.find((f) => f.id === 'model_fit.top_workload');
    expect(fit?.evidence.model).toMatch(/opus-4-1/);
    // Triage's only other workload is unpriced: the band is the one the demo's org file configures, not the
    // workload's own history nor workloads of other kinds.
    expect(fit?.evidence.band_from).toBe('configured for triage in mileage.yaml');
    // One quality tax: the weekly's share of the last 4 weeks is quality.rework_tax's over the same window.
    const rework = r.findings.find((f) => f.id === 'quality.rework_share');
    expect(rework?.answer).toMatch(/^Yes: the quality tax is [\d.]+% of merged PRs/);
    const tax = await mileage(
      [
        'query',
        'quality.rework_tax',
        '--json',
        '--db',
        'store.duckdb',
        '--since',
        r.window.since,
        '--until',
        r.window.until,
      ],
      { cwd },
    );
    expect(tax.code, tax.stderr).toBe(0);
    const prShare = (JSON.parse(tax.stdout) as { rows: { values: { pr_share: number } }[] }).rows[0]?.values
      .pr_share;
    expect(`${((prShare ?? NaN) * 100).toFixed(1)}%`).toBe(rework?.evidence.rework_share_last_4w);
    // The spike is tied to its cause: the workload that took most of that day, with its share.
    const spike = r.findings.find((f) => f.id === 'anomaly.daily_spike');
    expect(spike?.answer).toMatch(/ took \$[\d,.]+ of it \(\d+%\)\.$/);
    expect(String(spike?.evidence.top_workload)).not.toBe('undefined');
    // Section 1 accounts for the whole bill: the teams' lines sum to the spend, to the last decimal.
    const teamSum = r.byTeam.reduce((t, x) => t.plus(x.cost), new Decimal(0));
    expect(teamSum.equals(new Decimal(r.headline.spend))).toBe(true);
    expect(r.byTeam.length).toBeGreaterThan(1);
    expect(r.headline.unpricedModels).toEqual(['acme-support-ft-v3']);
    expect(r.headline.unpricedTokens).toBeGreaterThan(0);
    // The demo's sessions work on its PRs' branches in clones of its GitHub repositories: the join finds them.
    expect(r.headline.prSpendBySession).toBeGreaterThan(0.3);
    // Every person at ≥ 3x their team is named by the variance finding, flagged or set aside with a reason.
    const variance = r.findings.find((f) => f.id === 'variance.cost_per_pr_spread');
    const above = await aboveThreeX(cwd, '.mileage/demo-7/mileage.yaml', r);
    expect(above.length).toBeGreaterThan(0);
    for (const name of above) expect(variance?.answer).toContain(name);
    // The planted experiment is met; its page names the verdict, the success definition and the spend.
    const experiment = await experimentReport(cwd, '.mileage/demo-7/mileage.yaml');
    expect(experiment.verdict).toBe('met');
    expect(experiment.markdown).toContain('**Verdict: met**');
    expect(experiment.markdown).toMatch(
      /\*\*PR throughput per engineer \+\d+\.\d% at \$[\d,]+ of AI spend; control /,
    );
    expect(experiment.markdown).toContain('## Success, as written before the results');
    // The demo and the report take most of a minute on a loaded machine.
  }, 240_000);

  it('flags nothing on a control organisation with no effects planted', async () => {
    const cwd = await mkdtemp(join(dir, 'control-'));
    const r = await demoReport(cwd, ['--seed', '7', '--control']);
    expect(flagged(r)).toEqual([]);
    // Without the lift, the same experiment on the same organisation is not met.
    expect(['inconclusive', 'not_met']).toContain(
      (await experimentReport(cwd, '.mileage/demo-7-control/mileage.yaml')).verdict,
    );
  }, 240_000);

  it('loading the same demo twice changes no total', async () => {
    const cwd = await mkdtemp(join(dir, 'twice-'));
    const first = await demoReport(cwd, ['--seed', '11', '--engineers', '10', '--months', '3']);
    const second = await demoReport(cwd, ['--seed', '11', '--engineers', '10', '--months', '3']);
    expect(second.headline.spend).toBe(first.headline.spend);
    expect(second.headline.mergedPrs).toBe(first.headline.mergedPrs);
  }, 240_000);

  it('reports a malformed mileage.yaml with its line and field, exit code 1', async () => {
    const cwd = await mkdtemp(join(dir, 'badyaml-'));
    await writeFile(
      join(cwd, 'mileage.yaml'),
      'org: acme\nteams:\n  - id: pay\n    name: Payments\npeople:\n  - id: ana\n    name: Ana\n    team: nope\n',
    );
    const r = await mileage(['report', 'weekly', '--db', 'store.duckdb'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mileage\.yaml:8:\d+ people\[0\]\.team/);
  });

  it('shows an unknown model as unpriced, with the fix', async () => {
    const cwd = await mkdtemp(join(dir, 'unpriced-'));
    await writeFile(
      join(cwd, 'usage.csv'),
      'timestamp,provider,model,input_tokens,output_tokens\n2026-07-01T10:00:00Z,self-hosted,acme-llama-ft,1200,300\n2026-07-01T11:00:00Z,anthropic,claude-sonnet-4-6,1000,100\n',
    );
    const ingest = await mileage(['ingest', 'usage', 'usage.csv', '--db', 'store.duckdb'], { cwd });
    expect(ingest.code, ingest.stderr).toBe(0);
    const check = await mileage(['prices', 'check', '--db', 'store.duckdb'], { cwd });
    expect(check.stdout).toContain('unpriced: self-hosted/acme-llama-ft — 1,500 tokens in 1 records');
    expect(check.stdout).toContain('input_per_mtok');
    const report = await mileage(
      [
        'report',
        'weekly',
        '--db',
        'store.duckdb',
        '--json',
        '--since',
        '2026-06-29',
        '--until',
        '2026-07-06',
      ],
      { cwd },
    );
    const parsed = JSON.parse(report.stdout) as Report;
    expect(parsed.headline.unpricedModels).toEqual(['acme-llama-ft']);
    expect(parsed.headline.spend).not.toBe('0.00');
  });
});
