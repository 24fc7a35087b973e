import { storedRepositoryKey } from '../../domain/repository.js';
import type { Row, SqlParam } from '../db.js';

/**
 * Stores written before the repository key (domain/repository.ts) named repositories each source's own way:
 * `acme/billing` (GitHub and GitLab), `github.com/Acme/Billing` (git, case kept), lower-cased paths (agent
 * logs). Once, at open, every stored name is replaced by its key so old data joins new data.
 *
 * Git units are the exception: their record id was derived from the old name, so keeping them under a new
 * name would store each twice at the next full walk. Those whose name changes are removed with their
 * cursor; the next `ingest git` (or `scan`) reads them again under the key. Agent folders are resolved
 * again at the next agent-log ingest (agent-requests.ts), which can read the checkouts.
 */
// 2: a bare `owner/name` from any source (a usage file's, a bundle's) is GitHub's `github.com/owner/name`.
export const REPOSITORY_KEYS_VERSION = '2';

interface Host {
  run(sql: string): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: Record<string, SqlParam>): Promise<T[]>;
}

export async function rekeyRepositories(host: Host): Promise<boolean> {
  const [done] = await host.query("SELECT value FROM meta WHERE key = 'repository_keys'");
  if (done && String(done.value) === REPOSITORY_KEYS_VERSION) return false;
  const names = await host.query<{ tbl: string; source: string | null; repo: string }>(`
    SELECT DISTINCT 'outcomes' AS tbl, source, repo FROM outcomes WHERE repo IS NOT NULL
    UNION ALL SELECT DISTINCT 'usage', NULL, repo FROM usage WHERE repo IS NOT NULL
    UNION ALL SELECT DISTINCT 'cwd_repos', NULL, repo FROM cwd_repos`);
  const changes = names
    .map((n) => ({ ...n, key: storedRepositoryKey(n.repo, n.source) }))
    .filter((n): n is typeof n & { key: string } => n.key !== null && n.key !== n.repo);
  await host.run('BEGIN TRANSACTION');
  try {
    for (const c of changes) {
      const names = { from: c.repo, to: c.key };
      if (c.tbl === 'outcomes' && c.source === 'git') {
        await host.query(`DELETE FROM outcomes WHERE source = 'git' AND repo = $from`, { from: c.repo });
        await host.query('DELETE FROM meta WHERE key = $cursor', { cursor: `git_cursor:${c.repo}` });
      } else if (c.tbl === 'outcomes') {
        await host.query('UPDATE outcomes SET repo = $to WHERE repo = $from AND source = $source', {
          ...names,
          source: c.source ?? '',
        });
      } else if (c.tbl === 'usage') {
        await host.query('UPDATE usage SET repo = $to WHERE repo = $from', names);
      } else {
        await host.query('UPDATE cwd_repos SET repo = $to WHERE repo = $from', names);
      }
    }
    await host.query("INSERT OR REPLACE INTO meta VALUES ('repository_keys', $version)", {
      version: REPOSITORY_KEYS_VERSION,
    });
    if (changes.length > 0) await host.run("INSERT OR REPLACE INTO meta VALUES ('ledger_stale', 'true')");
    await host.run('COMMIT');
  } catch (cause) {
    await host.run('ROLLBACK');
    throw cause;
  }
  return changes.length > 0;
}
