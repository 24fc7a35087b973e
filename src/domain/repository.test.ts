import { describe, expect, it } from 'vitest';
import { forgeRepositoryKey, repositoryKey, storedRepositoryKey } from './repository.js';

describe('repository key', () => {
  it.each([
    ['git@github.com:Acme/Billing.git', 'github.com/acme/billing'],
    ['github.com:acme/billing', 'github.com/acme/billing'],
    ['https://github.com/acme/billing', 'github.com/acme/billing'],
    ['https://token@GitHub.com/acme/billing.git/', 'github.com/acme/billing'],
    ['ssh://git@github.com:22/acme/billing.git', 'github.com/acme/billing'],
    ['git://github.com/acme/billing', 'github.com/acme/billing'],
    ['ssh://git@gitlab.example.com:2222/group/sub/proj.git', 'gitlab.example.com/group/sub/proj'],
    ['https://gitlab.example.com/group/sub/proj/-/merge_requests/7', 'gitlab.example.com/group/sub/proj'],
    ['github.com/Acme/Billing', 'github.com/acme/billing'],
    // Local repositories keep their path (and its case): the file system tells them apart.
    ['/srv/git/Billing.git', '/srv/git/Billing.git'],
    ['/srv/git/billing/', '/srv/git/billing'],
    ['/srv/git/./x/../billing', '/srv/git/billing'],
    ['file:///srv/git/billing.git', '/srv/git/billing.git'],
    ['C:\\src\\billing', 'C:/src/billing'],
    ['  ', null],
  ])('%s → %s', (name, key) => expect(repositoryKey(name)).toBe(key));

  it('maps every key to itself', () => {
    for (const k of ['github.com/acme/billing', '/srv/git/Billing.git', 'gitlab.example.com/a/b/c']) {
      expect(repositoryKey(k)).toBe(k);
    }
  });

  it('puts a forge’s owner/name on the forge’s host', () => {
    expect(forgeRepositoryKey('https://api.github.com', 'Acme/Billing')).toBe('github.com/acme/billing');
    expect(forgeRepositoryKey('https://ghe.acme.com/api/v3', 'acme/billing')).toBe(
      'ghe.acme.com/acme/billing',
    );
    expect(forgeRepositoryKey('https://gitlab.com', 'group/sub/proj')).toBe('gitlab.com/group/sub/proj');
    expect(forgeRepositoryKey('https://gitlab.com', 'https://gitlab.com/group/proj.git')).toBe(
      'gitlab.com/group/proj',
    );
  });

  it('reads names stored by older versions by their source', () => {
    expect(storedRepositoryKey('acme/billing', 'github')).toBe('github.com/acme/billing');
    expect(storedRepositoryKey('group/proj', 'gitlab')).toBe('gitlab.com/group/proj');
    expect(storedRepositoryKey('github.com/Acme/Billing', 'git')).toBe('github.com/acme/billing');
    expect(storedRepositoryKey('/home/ana/billing', 'git')).toBe('/home/ana/billing');
    expect(storedRepositoryKey('group/proj', 'gitlab')).toBe('gitlab.com/group/proj');
  });

  it('puts a bare owner/name from any other source on github.com, whatever else is stored', () => {
    // A usage file, a bundle or an OTLP attribute naming `Acme/Billing` joins GitHub's PRs of it.
    expect(storedRepositoryKey('acme/billing', 'csv')).toBe('github.com/acme/billing');
    expect(repositoryKey('Acme/Billing.git')).toBe('github.com/acme/billing');
    expect(repositoryKey('acme/billing/')).toBe('github.com/acme/billing');
    // Anything that names its host, or cannot be an owner/name, is keyed as written.
    expect(repositoryKey('gitlab.com/group/proj')).toBe('gitlab.com/group/proj');
    expect(repositoryKey('group/sub/proj')).toBe('group/sub/proj');
    expect(repositoryKey('localhost/acme')).toBe('localhost/acme');
    expect(repositoryKey('billing')).toBe('billing');
  });
});
