import { describe, expect, it } from 'vitest';
import { formatIssue, parseOrgFile, type OrgFileIssue } from './load.js';
import { STARTER_ORG_FILE } from './starter.js';

function issues(text: string): string[] {
  const r = parseOrgFile(text, 'mileage.yaml');
  if (r.ok) throw new Error('expected issues');
  return r.error.map((i: OrgFileIssue) => formatIssue(i));
}

const VALID = `org: acme
time_zone: Europe/Berlin
privacy: { individuals: hidden, min_group_size: 3 }
teams:
  - { id: pay, name: Payments, loaded_cost_per_engineer: 210000.10 }
people:
  - id: ana
    name: Ana
    team: pay
    emails: [Ana@Acme.com]
    key_ids: [apikey_1]
  - { id: bo, name: Bo, team: pay, logins: [bo-b] }
keys:
  - { id: apikey_1, name: ana-cc, owner: ana, workload_type: agentic-coding }
workflows:
  - { id: triage, name: Triage, outcome_kind: alert_triaged }
seats:
  - { tool: copilot, monthly_price: 19.1, assignees: all }
price_overrides:
  - { provider: anthropic, discount_percent: 12.5, from: 2026-01-01 }
  - { model: acme-ft, input_per_mtok: 0.1, output_per_mtok: 0.2 }
sources:
  github: { token_env: GITHUB_TOKEN }
`;

describe('org file', () => {
  it('builds the directory with aliases, decimal money and defaults', () => {
    const r = parseOrgFile(VALID, 'mileage.yaml');
    if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
    const d = r.value;
    expect(d.timeZone).toBe('Europe/Berlin');
    expect(d.privacy).toEqual({ individuals: 'hidden', minGroupSize: 3 });
    expect(d.people[0]?.aliases).toEqual([
      { kind: 'email', value: 'Ana@Acme.com' },
      { kind: 'key_id', value: 'apikey_1' },
    ]);
    expect(d.seats[0]?.assignees).toEqual(['ana', 'bo']);
    expect(d.seats[0]?.monthlyPrice.toString()).toBe('19.1');
    expect(d.teams[0]?.loadedCostPerEngineer?.toString()).toBe('210000.1');
    const [discount, model] = d.priceOverrides;
    expect(discount?.kind === 'discount' && discount.percent.toString()).toBe('0.125');
    expect(
      model?.kind === 'model_price' && model.prices.inputMtok.plus(model.prices.outputMtok).toString(),
    ).toBe('0.3');
    expect(d.sources).toEqual(['github']);
  });

  it('defaults to UTC, privacy team and a minimum group of 5', () => {
    const r = parseOrgFile('org: x\n', 'm.yaml');
    expect(r.ok && [r.value.timeZone, r.value.privacy]).toEqual([
      'UTC',
      { individuals: 'team', minGroupSize: 5 },
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(issues('org: acme\nteams:\n  - id: a\n   name: b\n')[0]).toMatch(/^mileage\.yaml:4:\d+/);
  });

  it('names the line and field of unknown fields, wrong types and bad references', () => {
    const found = issues(`org: acme
teams:
  - id: pay
    name: Payments
    colour: blue
people:
  - id: ana
    name: Ana
    team: pay
seats:
  - tool: copilot
    monthly_price: lots
    assignees: [ana]
`);
    expect(found).toContain('mileage.yaml:5:5 teams[0].colour: unknown field "colour"');
    expect(found.some((i) => i.startsWith('mileage.yaml:12:20 seats[0].monthly_price'))).toBe(true);
  });

  it('names the line of a reference to an unknown team', () => {
    expect(
      issues(
        'org: acme\nteams:\n  - { id: pay, name: P }\npeople:\n  - id: ana\n    name: Ana\n    team: nope\n',
      ),
    ).toEqual(['mileage.yaml:7:11 people[0].team: unknown team "nope" (teams: pay)']);
  });

  it('rejects duplicate aliases, unknown time zones and literal secrets', () => {
    const found = issues(`org: acme
time_zone: Mars/Olympus
people:
  - { id: a, name: A, emails: [x@acme.com] }
  - { id: b, name: B, emails: [X@acme.com] }
sources:
  github: { token: ghp_abc123 }
`);
    expect(found.some((i) => i.includes('time_zone: unknown time zone "Mars/Olympus"'))).toBe(true);
    expect(
      found.some((i) => i.includes('people[1].emails[0]: alias "X@acme.com" already belongs to "a"')),
    ).toBe(true);
    expect(found.some((i) => i.includes('sources.github.token: looks like a secret'))).toBe(true);
  });

  it('the starter file written by `mileage init` is valid', () => {
    const r = parseOrgFile(STARTER_ORG_FILE, 'mileage.yaml');
    expect(r.ok ? 'valid' : r.error.map(formatIssue).join('\n')).toBe('valid');
  });
});
