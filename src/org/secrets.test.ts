import { describe, expect, it } from 'vitest';
import { findLiteralSecrets } from './secrets.js';

describe('findLiteralSecrets', () => {
  it.each([
    ['a token under a secret-named key', { github: { token: 'abc123' } }, 'sources.github.token'],
    ['a password', { jira: { password: 'hunter2' } }, 'sources.jira.password'],
    ['a client secret', { okta: { client_secret: 's3cr3t' } }, 'sources.okta.client_secret'],
    ['an api key as a number', { x: { api_key: 123456 } }, 'sources.x.api_key'],
    [
      'an OpenAI/Anthropic key anywhere',
      { litellm: { headers: ['sk-ant-api03-xyz'] } },
      'sources.litellm.headers.0',
    ],
    ['a GitHub fine-grained token', { github: { auth: 'github_pat_11AAA' } }, 'sources.github.auth'],
    ['a GitLab token', { gitlab: { note: 'glpat-xxxx' } }, 'sources.gitlab.note'],
    ['a Linear key', { linear: { key: 'lin_api_xxxx' } }, 'sources.linear.key'],
    ['a token pasted into a *_env field', { github: { token_env: 'ghp_xxxx' } }, 'sources.github.token_env'],
    ['a whole source given as a token', { github: 'ghp_xxxx' }, 'sources.github'],
  ])('flags %s', (_, sources, field) => {
    const found = findLiteralSecrets(sources);
    expect(found.map((f) => f.path.join('.'))).toEqual([field]);
    expect(found[0]?.message).toMatch(/environment variable .*_env: [A-Z][A-Z0-9_]*$/);
  });

  it.each([
    ['env var names', { github: { token_env: 'GITHUB_TOKEN', token: 'GITHUB_TOKEN' } }],
    ['ordinary settings', { claude_code: { path: '~/.claude' }, github: { repos: ['acme/api'], tokens: 5 } }],
    ['keys that only contain a secret word', { jira: { token_url: 'https://x', secret_env: 'JIRA_SECRET' } }],
    ['no sources', null],
  ])('accepts %s', (_, sources) => {
    expect(findLiteralSecrets(sources)).toEqual([]);
  });

  it('suggests a variable named after the source and key', () => {
    expect(findLiteralSecrets({ 'jira-cloud': { api_token: 'abc' } })[0]?.message).toContain(
      'api_token_env: JIRA_CLOUD_API_TOKEN',
    );
  });
});
