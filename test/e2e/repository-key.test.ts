import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { mileage } from './cli.js';

/**
 * One repository key for every source, through the built CLI: a usage file naming its repository as a bare
 * `Acme/Billing` (as gateways and exports do) joins the GitHub PRs stored as `github.com/acme/billing`.
 * PR #418 of the GitHub fixture merged 2026-07-02 15:40 from `feat/BILL-231-pdf`; PR #419 from another branch.
 *
 *   row s1  Acme/Billing, feat/BILL-231-pdf, 2026-07-01  → PR #418
 *   row s2  acme/billing.git, feat/BILL-231-pdf, 2026-07-02 → PR #418 (another spelling, same key)
 *   row s3  gitlab.com/acme/billing, same branch           → no PR (another forge's repository)
 *   row s4  Acme/Billing, main                              → no PR (default branch)
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-e2e-repokey-'));
const db = join(root, 'store.duckdb');
const fixture = fileURLToPath(new URL('../fixtures/github/pull-nodes.json', import.meta.url));

async function ok(args: string[]) {
  const r = await mileage([...args, '--db', db], { cwd: root });
  expect(r.code, r.stderr).toBe(0);
  return r;
}

beforeAll(async () => {
  copyFileSync(fixture, join(root, 'prs.json'));
  writeFileSync(
    join(root, 'usage.csv'),
    [
      'timestamp,model,input_tokens,output_tokens,cost_usd,session_id,repo,branch',
      '2026-07-01T10:00:00Z,claude-sonnet-4-5,100,50,1.25,s1,Acme/Billing,feat/BILL-231-pdf',
      '2026-07-02T10:00:00Z,claude-sonnet-4-5,100,50,0.75,s2,acme/billing.git,feat/BILL-231-pdf',
      '2026-07-02T11:00:00Z,claude-sonnet-4-5,100,50,4.00,s3,gitlab.com/acme/billing,feat/BILL-231-pdf',
      '2026-07-01T12:00:00Z,claude-sonnet-4-5,100,50,2.00,s4,Acme/Billing,main',
    ].join('\n') + '\n',
  );
  await ok(['ingest', 'usage', join(root, 'usage.csv')]);
  await ok(['ingest', 'github', join(root, 'prs.json'), '--repo', 'acme/billing']);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a usage file’s bare owner/name', () => {
  it('is stored under the key GitHub’s PRs carry, and its sessions join PR #418', async () => {
    const store = await openStore(db);
    try {
      const repos = await store.query('SELECT DISTINCT repo FROM usage ORDER BY repo');
      expect(repos.map((r) => r.repo)).toEqual(['github.com/acme/billing', 'gitlab.com/acme/billing']);
      const prRepos = await store.query('SELECT DISTINCT repo FROM outcomes WHERE source = $s', {
        s: 'github',
      });
      expect(prRepos.map((r) => r.repo)).toEqual(['github.com/acme/billing']);
      const joined = await store.query(
        `SELECT u.session_id AS session, o.ref FROM pr_sessions ps JOIN usage u ON u.id = ps.record_id
         JOIN outcomes o ON o.id = ps.pr_id ORDER BY session`,
      );
      expect(joined.map((r) => [r.session, r.ref])).toEqual([
        ['s1', '418'],
        ['s2', '418'],
      ]);
    } finally {
      await store.close();
    }
  });
});
