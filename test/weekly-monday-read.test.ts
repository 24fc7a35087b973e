import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAndLoadDemo } from '../src/cli/demo-load.js';
import { bookRepricer, priceBookFor } from '../src/cli/pricing.js';
import { DEMO_SEED } from '../src/cli/commands/start.js';
import type { Terminal } from '../src/cli/terminal.js';
import type { Finding } from '../src/diagnostics/finding.js';
import { weeklyReport, type WeeklyReport } from '../src/diagnostics/weekly.js';
import { reviveWeeklyReport } from '../src/diagnostics/weekly-json.js';
import type { OrgDirectory, Privacy } from '../src/domain/directory.js';
import { formatUsd, usd } from '../src/domain/money.js';
import { addDays } from '../src/domain/time.js';
import { loadOrgFile } from '../src/org/load.js';
import type { Viewer } from '../src/org/privacy.js';
import { reconcile } from '../src/reconcile/reconcile.js';
import { escapeHtml, renderWeeklyHtml } from '../src/report/html.js';
import { renderWeeklyJson } from '../src/report/json.js';
import { renderWeeklyMarkdown } from '../src/report/markdown.js';
import { markdownText } from '../src/report/markdown-text.js';
import { explain, PLAIN_WORDS, type Term } from '../src/report/plain-words.js';
import { renderReconcile, renderReconcileSummary } from '../src/report/reconcile.js';
import { slackEscape, weeklySlackMessage } from '../src/report/slack.js';
import { byTeamLine, renderWeeklyTerminal } from '../src/report/terminal.js';
import { moveText } from '../src/report/week-changes-text.js';
import type { Db } from '../src/store/db.js';
import { openStore } from '../src/store/open.js';

/**
 * Issue 25's bar for the Monday read, on the demo `mileage demo` loads (30 engineers, six months, every effect
 * planted), in every format the report takes (terminal, Markdown, HTML, JSON and its revival for the server
 * path, Slack): the report leads with what changed since last Monday, accounts for the whole bill by team,
 * ties the spike and the stuck session to their workload and team, and gives every action an owner from the
 * org file. Expected values are read from the store's ledger and the records by SQL written here, and from the
 * demo's mileage.yaml through the org loader, not from the report's own code. Also `mileage reconcile`'s
 * summary on the same demo: one screen, totals equal to the detail's sums.
 */

const quiet: Terminal = {
  color: false,
  out: () => undefined,
  log: () => undefined,
  warn: () => undefined,
  progress: () => ({ tick: () => undefined, update: () => undefined, done: () => undefined }),
  activity: () => ({ update: () => undefined, done: () => undefined }),
};

let dir: string;
let db: Db;
let org: OrgDirectory;
let report: WeeklyReport;

const ADMIN: Viewer = { role: 'admin' };

function weekly(privacy: Privacy, viewer: Viewer = ADMIN, window?: WeeklyReport['window'], compare = true) {
  return weeklyReport({
    db,
    org: org.org,
    privacy,
    viewer,
    reprice: bookRepricer(priceBookFor(org)),
    ...(window ? { window } : {}),
    compare,
  }).then((r) => {
    if (!r) throw new Error('the demo store is empty');
    return r;
  });
}

/** Every format's text of a report, each as its reader sees it (entities and escapes undone where needed). */
function formats(r: WeeklyReport): Record<string, string> {
  const slack = weeklySlackMessage(r);
  return {
    terminal: renderWeeklyTerminal(r, { color: false }),
    markdown: renderWeeklyMarkdown(r),
    html: renderWeeklyHtml(r),
    json: renderWeeklyJson(r),
    slack: JSON.stringify(slack.blocks),
  };
}

/** A string as each format writes it. */
const written: Record<string, (s: string) => string> = {
  terminal: (s) => s,
  markdown: markdownText,
  html: escapeHtml,
  json: (s) => JSON.stringify(s).slice(1, -1),
  slack: (s) => JSON.stringify(slackEscape(s)).slice(1, -1),
};

const personName = (id: string | null | undefined) => org.people.find((p) => p.id === id)?.name;

async function ledgerSum(since: string, until: string): Promise<Decimal> {
  const [row] = await db.query(
    `SELECT CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost FROM ledger
     WHERE day >= CAST($since AS DATE) AND day < CAST($until AS DATE)`,
    { since, until },
  );
  return new Decimal(String(row?.cost ?? '0'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mileage-monday-'));
  db = await openStore(join(dir, 'demo.duckdb'));
  const loaded = await generateAndLoadDemo(
    db,
    { seed: DEMO_SEED, engineers: 30, months: 6, control: false, out: join(dir, 'demo') },
    quiet,
  );
  const file = await loadOrgFile(join(loaded.dir, 'mileage.yaml'));
  if (!file.ok) throw new Error('the demo org file does not load');
  org = file.value;
  report = await weekly(org.privacy);
}, 240_000);

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the weekly report on the demo', () => {
  it('leads with what changed since last Monday, in every format', async () => {
    const c = report.changes;
    if (!c) throw new Error('the demo has weeks before the report: a comparison is expected');
    expect(c.previous).toEqual({
      since: addDays(report.window.since, -7),
      until: addDays(report.window.until, -7),
    });
    // Each headline number now and last Monday; spend from the ledger by SQL of this test, to the cent.
    expect(c.headline.map((m) => m.id)).toEqual([
      'spend',
      'merged_prs',
      'cost_per_merged_pr',
      'delivery_points',
      'top5_share',
      'unpriced_tokens',
    ]);
    const spend = c.headline[0];
    const exact = (v: unknown) => new Decimal(String(v)).toFixed(10);
    expect(exact(spend?.after)).toBe((await ledgerSum(report.window.since, report.window.until)).toFixed(10));
    expect(exact(spend?.before)).toBe((await ledgerSum(c.previous.since, c.previous.until)).toFixed(10));
    // Last Monday's report, computed on its own: the movements start from its numbers, and the new and cleared
    // findings are the difference between its flags and this week's.
    const before = await weekly(org.privacy, ADMIN, c.previous, false);
    expect(c.headline.find((m) => m.id === 'merged_prs')?.before).toBe(before.headline.mergedPrs);
    expect(c.headline.find((m) => m.id === 'delivery_points')?.before).toBe(before.headline.deliveryPoints);
    const flags = (r: WeeklyReport) => new Set(r.findings.filter((f) => f.flag).map((f) => f.id));
    const [now, then] = [flags(report), flags(before)];
    expect(c.cleared.map((f) => f.id).sort()).toEqual([...then].filter((id) => !now.has(id)).sort());
    expect([...c.newFindings, ...c.stillFlagged].map((f) => f.id).sort()).toEqual([...now].sort());

    const f = formats(report);
    const title = 'What changed since last Monday';
    // Terminal: right under the title, before the headline numbers and section 1.
    const lines = f.terminal?.split('\n') ?? [];
    expect(lines[2]).toBe(title);
    expect(f.terminal?.indexOf(title)).toBeLessThan(f.terminal?.indexOf('AI spend  ') ?? -1);
    expect(f.terminal).toMatch(
      /AI spend \$[\d,.]+, (up|down) \$[\d,.]+ \([+−][\d.]+%\) from \$[\d,.]+|AI spend \$[\d,.]+, unchanged/,
    );
    // Markdown and HTML: the first section.
    expect(f.markdown?.match(/^## .*$/m)?.[0]).toBe(`## ${title}`);
    expect(f.html?.match(/<h2>[^<]*<\/h2>/)?.[0]).toBe(`<h2>${title}</h2>`);
    // JSON: the first field after the report's name and window.
    const json = JSON.parse(f.json ?? '{}') as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 4)).toEqual(['org', 'window', 'changes', 'headline']);
    // Read back as the CLI reads a server's answer, it renders as the report computed here.
    const revived = reviveWeeklyReport(json);
    expect(renderWeeklyTerminal(revived, { color: false })).toBe(f.terminal);
    expect(renderWeeklyHtml(revived)).toBe(f.html);
    // Slack: the first block after the header and the window.
    const blocks = weeklySlackMessage(report).blocks as { type: string; text?: { text: string } }[];
    expect(blocks[2]?.text?.text).toMatch(new RegExp(`^\\*${title}\\*\\n`));
    for (const move of c.headline) {
      for (const [format, text] of Object.entries(f)) {
        if (format !== 'json') expect(text, format).toContain(written[format]?.(moveText(move)));
      }
    }
  });

  it('accounts for 100% of the spend by team, in every format', async () => {
    const total = await ledgerSum(report.window.since, report.window.until);
    expect(report.headline.spend.toFixed(2)).toBe(total.toFixed(2));
    const teams = report.byTeam.reduce((a, t) => a.plus(t.cost), new Decimal(0));
    expect(teams.toFixed(10)).toBe(report.headline.spend.toFixed(10));
    // Every team of the org file has its line (the demo's teams are all large enough to be shown).
    expect(report.byTeam.map((t) => t.label).sort()).toEqual(org.teams.map((t) => t.name).sort());
    const line = byTeamLine(report);
    expect(line).toContain(`the whole ${formatUsd(report.headline.spend)}`);
    for (const [format, text] of Object.entries(formats(report))) {
      if (format === 'json') continue; // the JSON carries the lines themselves (byTeam), summed above
      expect(text, format).toContain(written[format]?.(line ?? '') ?? '');
    }
  });

  it('ties the spike and the stuck session to their workload and team, in every format', async () => {
    const spike = report.findings.find((f) => f.id === 'anomaly.daily_spike');
    const day = String(spike?.evidence.day);
    // The day's costliest workload by SQL of this test: a workflow, else a person's use of one tool.
    const [top] = await db.query(
      `SELECT coalesce(workflow_id, tool || '|' || person_id) AS workload, min(person_id) AS person,
         min(team_id) AS team, CAST(sum(cost) AS DECIMAL(18,2)) AS cost
       FROM ledger WHERE day = CAST($day AS DATE) GROUP BY 1 ORDER BY sum(cost) DESC LIMIT 1`,
      { day },
    );
    const person = personName(String(top?.person));
    const team = org.teams.find((t) => t.id === top?.team)?.name;
    expect(spike?.evidence.top_workload_spend).toBe(formatUsd(usd(String(top?.cost))));
    expect(spike?.evidence.top_workload).toBe(`claude-code · ${person}`);
    expect(spike?.evidence.top_workload_team).toBe(team);
    expect(spike?.answer).toContain(`Workload claude-code · ${person} (team ${team})`);

    const stuck = report.findings.find((f) => f.id === 'anomaly.stuck_sessions');
    const session = String(stuck?.evidence.largest_session);
    // The session's repository and branch as its records state them (the costliest, as the finding picks).
    const [place] = await db.query(
      `SELECT repo, branch FROM ledger WHERE session_id = $session AND repo IS NOT NULL
       GROUP BY ALL ORDER BY sum(cost) DESC LIMIT 1`,
      { session },
    );
    const [owner] = await db.query(
      `SELECT min(person_id) AS person, min(team_id) AS team FROM ledger WHERE session_id = $session`,
      { session },
    );
    const stuckPerson = personName(String(owner?.person));
    const stuckTeam = org.teams.find((t) => t.id === owner?.team)?.name;
    expect(place?.repo).toBeTruthy();
    expect(stuck?.evidence.repository).toBe(place?.repo);
    expect(stuck?.evidence.branch).toBe(place?.branch);
    expect(stuck?.evidence.largest_workload).toBe(`claude-code · ${stuckPerson}`);
    expect(stuck?.answer).toContain(`workload claude-code · ${stuckPerson} (team ${stuckTeam})`);
    expect(stuck?.answer).toContain(`in ${String(place?.repo)} on branch ${String(place?.branch)}`);

    for (const [format, text] of Object.entries(formats(report))) {
      for (const f of [spike, stuck] as Finding[])
        expect(text, format).toContain(written[format]?.(f.answer));
    }
  });

  it('gives every action an owner from the org file, in every format', () => {
    const acting = report.findings.filter((f) => f.action !== null);
    expect(acting.length).toBeGreaterThanOrEqual(7);
    const team = (name: string | undefined) => org.teams.find((t) => t.name === name);
    const coachOf = (name: string | undefined) => {
      const t = team(name);
      return `${personName(t?.coach)}, the ${t?.name} team's coach`;
    };
    const byId = (id: string) => report.findings.find((f) => f.id === id);
    // A conversation about a person's use goes to their team's coach; a workflow to its team's manager.
    const variance = byId('variance.cost_per_pr_spread');
    const flaggedPerson = org.people.find((p) => variance?.answer.startsWith(p.name));
    expect(variance?.owner).toBe(coachOf(org.teams.find((t) => t.id === flaggedPerson?.team)?.name));
    expect(byId('anomaly.stuck_sessions')?.owner).toBe(
      coachOf(String(byId('anomaly.stuck_sessions')?.evidence.largest_cohort).split(' / ')[1]),
    );
    expect(byId('anomaly.daily_spike')?.owner).toBe(
      coachOf(String(byId('anomaly.daily_spike')?.evidence.top_workload_team)),
    );
    const fit = byId('model_fit.top_workload');
    const workflow = org.workflows.find((w) => w.name === fit?.evidence.workload);
    const fitTeam = org.teams.find((t) => t.id === workflow?.team);
    expect(fit?.owner).toBe(`${personName(fitTeam?.manager)}, the ${fitTeam?.name} team's manager`);
    expect(byId('data.unpriced_volume')?.owner).toBe('the platform team');
    // The JSON carries each owner beside its action.
    const json = JSON.parse(formats(report).json ?? '{}') as { findings: Finding[] };
    expect(json.findings.filter((f) => f.action !== null).map((f) => f.owner)).toEqual(
      acting.map((f) => f.owner),
    );
    for (const [format, text] of Object.entries(formats(report))) {
      if (format === 'json') continue;
      for (const f of acting) {
        const next =
          format === 'slack' ? `_Next (owner: ${f.owner ?? ''}):_` : `Next (owner: ${f.owner ?? ''}):`;
        expect(text, `${format}: ${f.id}`).toContain(written[format]?.(next));
      }
    }
  });

  it('names owners by role, and no person, where privacy hides people', async () => {
    const hidden = await weekly({ individuals: 'hidden', minGroupSize: 3 }, { role: 'viewer' });
    const acting = hidden.findings.filter((f) => f.action !== null);
    expect(acting.length).toBeGreaterThan(0);
    for (const f of acting)
      expect(f.owner).toMatch(
        /^(the [\w ]+ team's (coach|manager)|that team's (coach|manager)|the platform team|each team's manager)$/,
      );
    expect(hidden.findings.find((f) => f.id === 'anomaly.stuck_sessions')?.evidence.branch).toBeUndefined();
    const names = org.people.map((p) => p.name);
    for (const [format, text] of Object.entries(formats(hidden)))
      for (const name of names) expect(text, `${format} names ${name}`).not.toContain(name);
  });
});

describe('the weekly report on the demo, in plain words', () => {
  it('explains each term of art once, before the findings, in every format', () => {
    const f = formats(report);
    const terms = Object.keys(PLAIN_WORDS) as Term[];
    for (const format of ['terminal', 'markdown', 'html'] as const) {
      const text = f[format] ?? '';
      // Section 2's finding (the model fit; its question also heads the list of findings still flagged, above):
      // every term is explained before the findings use it.
      const modelFit = report.findings.find((x) => x.id === 'model_fit.top_workload')?.question ?? '';
      const firstFinding = text.lastIndexOf(written[format]?.(modelFit) ?? '');
      expect(firstFinding, format).toBeGreaterThan(0);
      for (const term of terms) {
        const sentence = written[format]?.(explain([term])[0] ?? '') ?? '';
        expect(text.split(sentence).length - 1, `${format}: "${term}" explained once`).toBe(1);
        expect(text.indexOf(sentence), `${format}: "${term}" explained before the findings`).toBeLessThan(
          firstFinding,
        );
      }
    }
    // Markdown is read as text: no HTML entity in it.
    expect(f.markdown).not.toMatch(/&#?\w+;/);
  });

  it('writes every evidence value formatted (money, percentages, multiples, counts), never raw', () => {
    for (const finding of report.findings)
      for (const [key, value] of Object.entries(finding.evidence)) {
        const where = `${finding.id} ${key}: ${String(value)}`;
        // A bare number is at most a small count (a bar version, a level); anything larger is written out.
        if (typeof value === 'number')
          expect(Number.isInteger(value) && Math.abs(value) < 1000, where).toBe(true);
        if (typeof value === 'string') {
          expect(value, where).not.toMatch(/^-?\d{4,}$/); // 1144497 with no separators
          expect(value, where).not.toMatch(/^-?\d*\.\d{3,}$/); // 0.062 with no unit
        }
      }
  });

  it('draws the HTML charts with both axes titled and labelled', () => {
    const html = renderWeeklyHtml(report);
    const charts = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(charts.length).toBeGreaterThanOrEqual(2);
    for (const svg of charts) {
      const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');
      expect(texts, 'x axis title').toContain('week starting (Monday)');
      expect(svg, 'y axis title, turned along the axis').toMatch(
        /<text transform="translate\([^)]*\) rotate\(-90\)"[^>]*>[^<]+</,
      );
      // Value ticks from 0 up, and dated week ticks with the first and the last week.
      expect(texts.filter((t) => /^\$?[\d,]+$/.test(t)).length, 'value ticks').toBeGreaterThanOrEqual(3);
      expect(
        texts.filter((t) => /^[A-Z][a-z]{2} \d{1,2}$/.test(t)).length,
        'week ticks',
      ).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('mileage reconcile on the demo', () => {
  it('fits on one screen, and its totals equal the sums of the detail', async () => {
    const months = await reconcile(db, { since: null, until: null, privacy: org.privacy, viewer: ADMIN });
    const summary = renderReconcileSummary(months);
    expect(summary.split('\n').length).toBeLessThan(60);
    // The detail's blocks, read as a reader reads them: counted, billed, estimated, unattributed, gap lines.
    const detail = renderReconcile(months);
    const money = (line: string | undefined) =>
      new Decimal((/\$([\d,]+\.\d\d)/.exec(line ?? '')?.[1] ?? '0').replaceAll(',', ''));
    const sums = {
      counted: new Decimal(0),
      billed: new Decimal(0),
      estimated: new Decimal(0),
      unattributed: new Decimal(0),
      gaps: 0,
    };
    for (const block of detail.split('\n\n')) {
      const lines = block.split('\n');
      const counted = lines.find((l) => l.startsWith('  counted'));
      if (!counted) continue;
      sums.counted = sums.counted.plus(money(counted));
      const billed = /\(billed \$([\d,]+\.\d\d)\)/.exec(counted)?.[1];
      if (billed) sums.billed = sums.billed.plus(billed.replaceAll(',', ''));
      sums.estimated = sums.estimated.plus(money(lines.find((l) => l.startsWith('  estimated'))));
      sums.unattributed = sums.unattributed.plus(money(lines.find((l) => l.startsWith('  unattributed'))));
      sums.gaps += lines.filter((l) => l.startsWith('  gap ')).length;
    }
    const total = summary
      .split('\n')
      .find((l) => l.startsWith('total'))
      ?.slice('total'.length)
      .trim()
      .split(/ {2,}/);
    expect(total).toEqual([
      formatUsd(usd(sums.counted.toFixed(2))),
      formatUsd(usd(sums.billed.toFixed(2))),
      formatUsd(usd(sums.estimated.toFixed(2))),
      formatUsd(usd(sums.unattributed.toFixed(2))),
      String(sums.gaps),
    ]);
  });
});
