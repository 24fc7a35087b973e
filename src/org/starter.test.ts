import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from './issue.js';
import { createConnector, connectorType } from '../connectors/registry.js';
import { loadSourceConfigs, parseOrgFile } from './load.js';
import { STARTER_ORG_FILE } from './starter.js';

/** What a user gets by using every commented example: `[]`/`{}` removed and each example's "#" dropped. */
function withExamples(text: string): string {
  return text.replace(/^(\w+): (\[\]|\{\})$/gm, '$1:').replace(/^#(?= {2})/gm, ' ');
}

function check(text: string) {
  const r = parseOrgFile(text, 'mileage.yaml');
  if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
  return r.value;
}

describe('STARTER_ORG_FILE', () => {
  it('is valid as `mileage init` writes it, with the privacy defaults spelled out', () => {
    const d = check(STARTER_ORG_FILE);
    expect(d.timeZone).toBe('UTC');
    expect(d.privacy).toEqual({ individuals: 'team', minGroupSize: 5 });
    expect([d.teams.length, d.people.length, d.keys.length, d.workflows.length]).toEqual([1, 1, 1, 1]);
    // Nothing that would change numbers until the user fills it in.
    expect([d.seats, d.accounts, d.priceOverrides, d.sources]).toEqual([[], [], [], []]);
  });

  it('stays valid with every commented example in use', () => {
    const d = check(withExamples(STARTER_ORG_FILE));
    expect(d.seats).toHaveLength(1);
    expect(d.accounts).toHaveLength(1);
    expect(d.priceOverrides.map((o) => o.kind)).toEqual(['discount', 'model_price']);
    expect(d.sources).toEqual([
      'claude_code',
      'github',
      'jira',
      'confluence',
      'anthropic',
      'openai',
      'cursor',
      'copilot',
    ]);
  });

  it('shows every section of the file', () => {
    for (const section of [
      'org',
      'time_zone',
      'privacy',
      'individuals',
      'min_group_size',
      'teams',
      'people',
      'keys',
      'workflows',
      'seats',
      'accounts',
      'price_overrides',
      'sources',
    ]) {
      expect(STARTER_ORG_FILE).toMatch(new RegExp(`^\\s*${section}:`, 'm'));
    }
  });

  it('gives, uncommented, a source entry that every connector it shows accepts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mileage-starter-'));
    try {
      const file = join(dir, 'mileage.yaml');
      await writeFile(file, withExamples(STARTER_ORG_FILE));
      const sources = await loadSourceConfigs(file);
      if (!sources.ok) throw new Error(sources.error.map(formatIssue).join('\n'));
      const env = {
        GITHUB_TOKEN: 't',
        JIRA_API_TOKEN: 't',
        CONFLUENCE_TOKEN: 't',
        ANTHROPIC_ADMIN_KEY: 't',
        OPENAI_ADMIN_KEY: 't',
      };
      const types: string[] = [];
      for (const source of sources.value) {
        const type = connectorType(source);
        if (!type.ok) throw new Error(type.error.map(formatIssue).join('\n'));
        if (type.value === null) continue;
        types.push(type.value);
        const c = createConnector(type.value, source, {
          env: { ...env, CURSOR_ADMIN_KEY: 't', GH_COPILOT_TOKEN: 't' },
          now: Date.now,
        });
        if (!c.ok) throw new Error(c.error.map(formatIssue).join('\n'));
      }
      expect(types).toEqual([
        'github',
        'jira',
        'confluence',
        'anthropic-admin',
        'openai-admin',
        'cursor-admin',
        'copilot',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
