import { describe, expect, it } from 'vitest';
import { forgeOfRemote, prRefspec } from './pr-refs.js';

describe('the forge of a remote, for --fetch-pr-refs', () => {
  it.each([
    ['git@github.com:acme/billing.git', 'github'],
    ['https://github.com/acme/billing', 'github'],
    ['https://github.acme.com/acme/billing.git', 'github'],
    ['ssh://git@gitlab.com:22/group/sub/proj.git', 'gitlab'],
    ['https://gitlab.example.com/group/proj', 'gitlab'],
    ['git@bitbucket.org:acme/billing.git', null],
    ['https://git.acme.com/acme/billing', null],
    // A local path or file URL names no forge: the caller says which with --forge.
    ['/srv/git/billing.git', null],
    ['file:///srv/git/github/billing.git', null],
    ['../billing', null],
  ])('%s → %s', (url, forge) => expect(forgeOfRemote(url)).toBe(forge));

  it('fetches each forge’s PR heads into refs head-refs.ts reads', () => {
    expect(prRefspec('github', 'origin')).toBe('+refs/pull/*/head:refs/remotes/origin/pr/*');
    expect(prRefspec('gitlab', 'up')).toBe(
      '+refs/merge-requests/*/head:refs/remotes/up/merge-requests/*/head',
    );
  });
});
