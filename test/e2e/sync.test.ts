import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, githubSearch, gitlabProject, jiraSearch, linearIssues } from '../support/apis.js';
import { ReplayServer } from '../support/replay-server.js';
import { mileage } from './cli.js';

const env = {
  GH_TOKEN: 'ghp_e2eGithubToken0000000001',
  GL_TOKEN: 'glpat-e2eGitlabToken000001',
  JIRA_TOKEN: 'ATATTe2eJiraToken00000001',
  LINEAR_API_KEY: 'lin_api_e2eLinearKey0000000001',
};

let server: ReplayServer;
let cwd: string;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('POST', '/github/graphql', githubSearch(fixture('github/search-nodes.json')));
  gitlabProject(
    server,
    'acme/billing',
    fixture('gitlab/merge-requests.json'),
    fixture('gitlab/mr-commits.json'),
    fixture('gitlab/mr-diffs.json'),
  );
  server.route('GET', '/rest/api/3/field', () => ({ json: fixture('jira/fields.json') }));
  server.route('POST', '/rest/api/3/search/jql', jiraSearch(fixture('jira/sync-issues.json')));
  server.route('POST', '/graphql', linearIssues(fixture('linear/issues.json')));
  cwd = await mkdtemp(join(tmpdir(), 'mileage-sync-'));
  await writeFile(
    join(cwd, 'mileage.yaml'),
    `org: acme
sources:
  claude_code: { path: ~/.claude }
  github:
    token_env: GH_TOKEN
    repos: [acme/billing]
    base_url: ${server.url}/github
    since: 2026-06-01
    page_size: 3
  gitlab: { token_env: GL_TOKEN, projects: [acme/billing], base_url: ${server.url}, since: 2026-06-01 }
  jira:
    token_env: JIRA_TOKEN
    email: bot@acme.com
    base_url: ${server.url}
    since: 2026-06-01
  linear: { token_env: LINEAR_API_KEY, base_url: ${server.url}, since: 2026-06-01, max_retries: 0 }
`,
  );
});
afterAll(async () => {
  await server.close();
  await rm(cwd, { recursive: true, force: true });
});

interface Out {
  sources: { source: string; summary: { records: number; pages: number; resumed: boolean } | null }[];
}

describe('mileage sync (built CLI against the replay server)', () => {
  it('syncs every API source in mileage.yaml, skipping file sources; secrets never printed', async () => {
    const r = await mileage(['sync', '--db', 's.duckdb', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.sources.map((s) => [s.source, s.summary?.records])).toEqual([
      ['github', 5],
      ['gitlab', 3],
      ['jira', 6],
      ['linear', 3],
    ]);
    for (const secret of Object.values(env)) expect(r.stdout + r.stderr).not.toContain(secret);

    const text = await mileage(['sync', 'github', '--db', 's.duckdb'], { cwd, env });
    expect(text.code, text.stderr).toBe(0);
    // The boundary page is re-read: its two bad nodes are reported again, no record is added.
    expect(text.stdout).toMatch(
      /^github: 0 records in 1 page \(0 already stored\), 0 retries, 2 problems\n$/,
    );
  });

  it('a failing source exits 1 with an upstream error naming the path, never the key', async () => {
    server.script('POST', '/graphql', { status: 500, json: { message: `boom ${env.LINEAR_API_KEY}` } });
    const r = await mileage(['sync', 'linear', '--db', 'f.duckdb'], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /linear did not finish: POST 127\.0\.0\.1:\d+\/graphql: HTTP 500 after 0 retries/,
    );
    expect(r.stdout + r.stderr).not.toContain(env.LINEAR_API_KEY);
  });

  it('a missing token variable and an unknown source are reported plainly', async () => {
    const noToken = await mileage(['sync', 'jira', '--db', 'f.duckdb'], {
      cwd,
      env: { ...env, JIRA_TOKEN: '' },
    });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(
      /mileage\.yaml:12:\d+ sources\.jira\.token_env: the environment variable JIRA_TOKEN is not set/,
    );
    // Several missing: one run names every one, each at its line, so the user exports them all at once.
    const none = await mileage(['sync', '--db', 'f.duckdb'], {
      cwd,
      env: { GH_TOKEN: '', GL_TOKEN: '', JIRA_TOKEN: '', LINEAR_API_KEY: env.LINEAR_API_KEY },
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has 3 problems');
    for (const v of ['GH_TOKEN', 'GL_TOKEN', 'JIRA_TOKEN']) {
      expect(none.stderr).toContain(`the environment variable ${v} is not set`);
    }
    expect(none.stderr).not.toContain('LINEAR_API_KEY');
    const unknown = await mileage(['sync', 'claude_code', '--db', 'f.duckdb'], { cwd, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('source "claude_code" is not an API source');
  });
});
