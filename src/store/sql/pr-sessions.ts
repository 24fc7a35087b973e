import { DEFAULT_BRANCH_NAMES } from '../../domain/attribution.js';
import { sqlString } from '../sql-text.js';

/** Two stored repository names are the same repository: every source writes the one key, so they are equal. */
export function sameRepo(a: string, b: string): string {
  return `${a} = ${b}`;
}

const defaults = DEFAULT_BRANCH_NAMES.map(sqlString).join(', ');

/**
 * Session → branch → PR (docs/how-numbers-are-computed.md, "Cost per PR", level 2), the same text on both
 * engines: a usage record with spend whose repository and git branch are known belongs to the merged PR of that
 * repository whose head branch is that branch and which was merged next after the record (see
 * duckdb/outcome-links.ts for the whole rule). One record joins at most one PR.
 */
export const PR_SESSIONS_SELECT = `
WITH prs AS (
  SELECT id AS pr_id, repo, head_branch AS branch, occurred_at AS merged_at
  FROM outcomes
  WHERE kind = 'pr_merged' AND repo IS NOT NULL AND head_branch IS NOT NULL
    AND lower(head_branch) NOT IN (${defaults})
), spent AS (
  SELECT u.id AS id, coalesce(u.session_id, u.id) AS session, coalesce(u.repo, cr.repo) AS repo, u.branch AS branch,
    u.start_at AS start_at, u.tool AS tool
  FROM usage u LEFT JOIN cwd_repos cr ON cr.cwd = u.cwd
  WHERE u.counted AND u.branch IS NOT NULL AND coalesce(u.repo, cr.repo) IS NOT NULL
    AND u.branch IN (SELECT branch FROM prs)
    AND (u.input_tokens + u.cache_read_tokens + u.cache_write_tokens + u.output_tokens > 0 OR coalesce(u.cost, 0) > 0)
)
SELECT s.id AS record_id, p.pr_id AS pr_id, s.session AS session, s.tool AS tool
FROM spent s JOIN prs p ON p.branch = s.branch AND ${sameRepo('s.repo', 'p.repo')} AND p.merged_at >= s.start_at
QUALIFY row_number() OVER (PARTITION BY s.id ORDER BY p.merged_at, p.pr_id) = 1`;
