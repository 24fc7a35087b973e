import { Hono } from 'hono';
import { addDays } from '../../domain/time.js';
import { personVisibility } from '../../org/privacy.js';
import type { AppEnv } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { branchSpend, keysFor, listPrs, onePr, prDay, prNumber, toPrRow } from './pr-queries.js';
import { prListTable } from '../../report/answer-tables.js';
import { PR_TABLES, prDetailTable, type PrTableName } from '../../report/page-tables.js';
import { askedTable, tableAnswer, tableFormat } from './table-answer.js';
import { dayParam, intParam, listParam, metricContext, readScope, teamShown } from './scope.js';

/** A page of the PR list: what the dashboard shows by default, and at most this many per request. */
const PAGE_ROWS = 300;
const MAX_ROWS = 2_000;

/** The PR list and one PR's drill-down: its attributed cost, the sessions on its branch, the keys used. */
export function prRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/prs', async (c) => {
    const url = new URL(c.req.url);
    const scope = await readScope(deps, c.get('principal'), url);
    const page = {
      limit: intParam(url, 'limit', PAGE_ROWS, 1, MAX_ROWS),
      offset: intParam(url, 'offset', 0, 0, 1_000_000_000),
    };
    const { rows, total } = await listPrs(metricContext(deps, scope), listParam(url, 'repo'), page);
    const named = (team: string | null) => personVisibility(deps.privacy, scope.viewer, team) === 'named';
    const shown = await teamShown(deps, scope);
    const prs = rows.map((r) => toPrRow(r, named, shown));
    if (url.searchParams.get('table') === 'prs') {
      // The page's table of this same page of PRs, as JSON or CSV.
      return tableAnswer(c, 'prs', prListTable({ window: scope.window, rows: prs }), tableFormat(url));
    }
    return c.json({
      window: scope.window,
      rows: prs,
      total,
      offset: page.offset,
      truncated: page.offset + rows.length < total,
    });
  });

  app.get('/prs/:id', async (c) => {
    const url = new URL(c.req.url);
    const id = c.req.param('id');
    let scope = await readScope(deps, c.get('principal'), url);
    // Without a window, the 28 days up to the PR's merge: the period its person × period cost comes from.
    const merged = await prDay(metricContext(deps, scope), id);
    if (!merged) throw new HttpError('not_found', 'no merged PR with this id that you may see');
    if (!dayParam(url, 'since') && !dayParam(url, 'until')) {
      scope = { ...scope, window: { since: addDays(merged.day, -27), until: addDays(merged.day, 1) } };
    }
    const ctx = metricContext(deps, scope);
    // The PR's row and its branch's spend are independent statements: asked at once.
    const [pr, { sessions, keys }] = await Promise.all([
      onePr(ctx, { id, personId: merged.personId }),
      branchSpend(ctx, id),
    ]);
    if (!pr) throw new HttpError('not_found', 'this PR was not merged in the window asked for');
    const team = pr.team_id === null ? null : String(pr.team_id);
    const named = personVisibility(deps.privacy, scope.viewer, team) === 'named';
    const shown = (await teamShown(deps, scope))(team);
    const detail = {
      window: scope.window,
      pr: {
        id: String(pr.id),
        repo: pr.repo,
        number: prNumber(pr.ref),
        branch: pr.head_branch,
        openedAt: pr.opened_at,
        mergedAt: pr.merged_at,
        team: shown ? team : null,
        teamName: shown ? pr.team_name : null,
        points: pr.points,
        pointsBasis: pr.points_basis,
        aiAssisted: pr.ai_assisted,
        aiEvidence: pr.ai_evidence,
        rework: pr.rework,
        reworkReason: pr.rework_reason,
        category: pr.category,
        ...(named && pr.person_name !== null ? { author: pr.person_name } : {}),
      },
      // A PR's cost is its author's spend: withheld, with the sessions' and keys' amounts, when the author may
      // not be named to this caller.
      cost: { amount: named ? String(pr.cost) : null, basis: String(pr.basis) },
      evidence: String(pr.cost_evidence),
      sessions: sessions.map((s) => ({
        session: String(s.session),
        tool: s.tool === null || s.tool === undefined ? null : String(s.tool),
        model: s.model === null || s.model === undefined ? null : String(s.model),
        cost: named ? String(s.cost) : null,
        evidence: 'session',
      })),
      keys: keysFor(keys, named).map((k) => ({ key: k.key, cost: named ? k.cost : null })),
    };
    // The page's tables of this PR (`table=sessions|keys`), as JSON or CSV.
    const table = askedTable(
      c,
      url,
      PR_TABLES,
      (name) => prDetailTable(detail, name as PrTableName),
      `pr-${id}-`,
    );
    return table ?? c.json(detail);
  });

  return app;
}
