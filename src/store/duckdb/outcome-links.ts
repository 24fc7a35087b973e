import { BUG_FIX_REWORK_DAYS } from '../../domain/attribution.js';
import { PR_SESSIONS_SELECT, sameRepo } from '../sql/pr-sessions.js';

/**
 * Facts about merged PRs that only show when several sources are joined, re-derived after every ledger
 * refresh (new usage or new outcomes can change any of them):
 *
 * 1. `pr_sessions` — session → branch → PR (docs/how-numbers-are-computed.md, "Cost per PR", level 2). A usage record with
 *    spend (tokens or cost), whose repository (its own, or the one of its session's cwd via cwd_repos) and
 *    git branch are known, belongs to the merged PR of that repository whose head branch is that branch and
 *    which was merged next after the record: the window of a PR is bounded by the previous PR merged from
 *    the same branch name, so a session that ran before the PR's first commit (the agent wrote the code,
 *    the engineer committed later) joins it, and a reused branch name resolves to the PR of its time.
 *    Repositories meet by their one key (domain/repository.ts), which every source writes. Sessions on a
 *    default branch (main, master, trunk, develop) join no PR. One record joins at most one PR.
 * 2. `outcomes.session_evidence` — a PR some agent session with recorded spend worked on is AI-assisted.
 * 3. `outcomes.linked_rework_reason` — rework rule 3: a PR linked to a closed bug ticket (by key in its
 *    title, branch or closing reference) that a PR merged in the 30 days before it was also linked to, is
 *    rework: the first fix did not hold.
 * `ai_assisted` and `rework` are then the sources' own verdicts (an evidence or a reason) or these.
 */

const PR_SESSIONS_SQL = `CREATE OR REPLACE TABLE pr_sessions AS ${PR_SESSIONS_SELECT};
`;

const SESSION_EVIDENCE_SQL = `
UPDATE outcomes SET session_evidence = NULL WHERE session_evidence IS NOT NULL;
UPDATE outcomes o SET session_evidence = e.evidence
FROM (
  SELECT pr_id, 'agent sessions on the branch: ' || count(DISTINCT session) || ' ('
    || string_agg(DISTINCT coalesce(tool, 'unknown tool'), ', ' ORDER BY coalesce(tool, 'unknown tool')) || ')' AS evidence
  FROM pr_sessions GROUP BY pr_id
) e
WHERE o.id = e.pr_id;
`;

const BUG_TICKET = `regexp_matches(lower(trim(work_type)), '^((type|kind)\\s*[:/]\\s*)?(bug|defect)$')`;

const LINKED_REWORK_SQL = `
UPDATE outcomes SET linked_rework_reason = NULL WHERE linked_rework_reason IS NOT NULL;
UPDATE outcomes o SET linked_rework_reason = r.reason
FROM (
  WITH bugs AS (
    SELECT DISTINCT ref AS ticket FROM outcomes WHERE kind = 'ticket_closed' AND ref IS NOT NULL AND ${BUG_TICKET}
  ), links AS (
    SELECT id, coalesce(repo, '') AS repo, ref, occurred_at, unnest(linked_tickets) AS ticket
    FROM outcomes WHERE kind = 'pr_merged' AND len(linked_tickets) > 0
  ), fixes AS (
    SELECT x.id, x.ticket, y.ref AS earlier_ref, date_diff('day', y.occurred_at, x.occurred_at) AS days_before,
      y.occurred_at AS earlier_at
    FROM links x JOIN bugs b ON b.ticket = x.ticket
    JOIN links y ON y.ticket = x.ticket AND y.id <> x.id
      AND y.occurred_at < x.occurred_at AND y.occurred_at >= x.occurred_at - INTERVAL ${BUG_FIX_REWORK_DAYS} DAY
      -- the same PR as read by another source (git and its forge) is no earlier fix
      AND NOT (y.ref IS NOT DISTINCT FROM x.ref AND ${sameRepo('x.repo', 'y.repo')})
    QUALIFY row_number() OVER (PARTITION BY x.id ORDER BY y.occurred_at DESC, x.ticket, y.id) = 1
  )
  SELECT id, 'bug fix: ' || ticket || ' was also fixed by '
    || CASE WHEN earlier_ref IS NULL THEN 'a PR' ELSE '#' || earlier_ref END
    || ' merged ' || days_before || ' day' || CASE WHEN days_before = 1 THEN '' ELSE 's' END || ' earlier' AS reason
  FROM fixes
) r
WHERE o.id = r.id;
`;

/** The verdicts: a source's own evidence or reason, or what the joins above found. */
const VERDICTS_SQL = `
UPDATE outcomes SET
  ai_assisted = ai_evidence IS NOT NULL OR session_evidence IS NOT NULL,
  rework = rework_reason IS NOT NULL OR linked_rework_reason IS NOT NULL
WHERE kind = 'pr_merged' AND (
  ai_assisted IS DISTINCT FROM (ai_evidence IS NOT NULL OR session_evidence IS NOT NULL)
  OR rework IS DISTINCT FROM (rework_reason IS NOT NULL OR linked_rework_reason IS NOT NULL));
`;

export function outcomeLinksSql(): string {
  return PR_SESSIONS_SQL + SESSION_EVIDENCE_SQL + LINKED_REWORK_SQL + VERDICTS_SQL;
}
