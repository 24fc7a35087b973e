import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrgDirectory } from '../domain/directory.js';
import { formatIssue } from './issue.js';
import { findOrgFile, loadOrgFile, parseOrgFile, sourceConfigs } from './load.js';

/** Parses a file that must be valid, with its issues as the failure message when it is not. */
function valid(text: string): OrgDirectory {
  const r = parseOrgFile(text, 'mileage.yaml');
  if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
  return r.value;
}

/** The formatted issues of a file that must be invalid. */
function issues(text: string): string[] {
  const r = parseOrgFile(text, 'mileage.yaml');
  if (r.ok) throw new Error('expected issues, the file was valid');
  return r.error.map(formatIssue);
}

/** Decimal money as its exact string, so expectations read like the file. */
const plain = (d: OrgDirectory): unknown => JSON.parse(JSON.stringify(d));

const FULL = `org: acme
time_zone: Europe/Berlin
privacy:
  individuals: team
  min_group_size: 5
teams:
  - id: payments
    name: Payments
    loaded_cost_per_engineer: 210000
  - { id: platform, name: Platform }
people:
  - id: ana
    name: Ana Lima
    team: payments
    emails: [ana@acme.com]
    git_names: [Ana Lima]
    logins: [ana-lima]
    tracker_ids: [5b10ac8d82e05b22cc7d4ef5]
    key_ids: [apikey_01Rj2N8SVvo6BePZj99NhmiT]
    account_ids: [user_01ABC]
  - { id: bo, name: Bo Berg, team: platform, tracker_ids: [123456789012345678901] }
keys:
  - id: apikey_01Rj2N8SVvo6BePZj99NhmiT
    name: alert-triage-prod
    owner: ana
    team: platform
    workflow: alert-triage
    workload_type: triage
workflows:
  - id: alert-triage
    name: Alert triage
    outcome_kind: alert_triaged
    quality_bar: "Severity matches on-call rating on 95% of alerts"
    team: platform
seats:
  - tool: copilot
    plan: business
    monthly_price: 19
    assignees: [ana, bo]
    from: 2026-01-01
    until: 2026-12-31
  - { tool: cursor, monthly_price: "40.00", assignees: all }
accounts:
  - tool: claude-code
    stream: anthropic:acme
price_overrides:
  - provider: anthropic
    discount_percent: 15
    from: 2026-01-01
  - model: acme-support-ft-v3
    provider: self-hosted
    input_per_mtok: 0.40
    output_per_mtok: 1.60
    cache_read_per_mtok: 0.04
    cache_write_per_mtok: 0.50
    from: 2026-01-01
price_multipliers:
  - { provider: anthropic, service_tier: priority, factor: 1.25 }
  - { provider: anthropic, inference_geo: US, factor: 1.1, from: 2026-02-01 }
server:
  port: 8080
  sync_interval_minutes: 30
notify:
  slack: { webhook_env: ACME_SLACK_WEBHOOK }
delivery:
  trunk_based: [github.com/acme/infra]
workload_types:
  - { type: triage, tokens_per_dollar: { low: 500000, high: 2000000 } }
sources:
  claude_code: { path: ~/.claude }
  github: { token_env: GITHUB_TOKEN, repos: [acme/api] }
`;

describe('parseOrgFile: a valid file', () => {
  it('round-trips every section into the directory', () => {
    expect(plain(valid(FULL))).toEqual({
      file: 'mileage.yaml',
      org: 'acme',
      timeZone: 'Europe/Berlin',
      privacy: { individuals: 'team', minGroupSize: 5 },
      teams: [
        { id: 'payments', name: 'Payments', loadedCostPerEngineer: '210000' },
        { id: 'platform', name: 'Platform', loadedCostPerEngineer: null },
      ],
      people: [
        {
          id: 'ana',
          name: 'Ana Lima',
          team: 'payments',
          aliases: [
            { kind: 'email', value: 'ana@acme.com' },
            { kind: 'git_name', value: 'Ana Lima' },
            { kind: 'login', value: 'ana-lima' },
            { kind: 'tracker_id', value: '5b10ac8d82e05b22cc7d4ef5' },
            { kind: 'key_id', value: 'apikey_01Rj2N8SVvo6BePZj99NhmiT' },
            { kind: 'account_id', value: 'user_01ABC' },
          ],
        },
        // A bare numeric id keeps every digit: it is read from the source text, not a float.
        {
          id: 'bo',
          name: 'Bo Berg',
          team: 'platform',
          aliases: [{ kind: 'tracker_id', value: '123456789012345678901' }],
        },
      ],
      keys: [
        {
          id: 'apikey_01Rj2N8SVvo6BePZj99NhmiT',
          name: 'alert-triage-prod',
          owner: 'ana',
          team: 'platform',
          workflow: 'alert-triage',
          workloadType: 'triage',
        },
      ],
      workflows: [
        {
          id: 'alert-triage',
          name: 'Alert triage',
          outcomeKind: 'alert_triaged',
          qualityBar: 'Severity matches on-call rating on 95% of alerts',
          team: 'platform',
        },
      ],
      seats: [
        {
          tool: 'copilot',
          plan: 'business',
          monthlyPrice: '19',
          assignees: ['ana', 'bo'],
          from: '2026-01-01',
          until: '2026-12-31',
        },
        { tool: 'cursor', plan: null, monthlyPrice: '40', assignees: ['ana', 'bo'], from: null, until: null },
      ],
      accounts: [{ tool: 'claude-code', stream: 'anthropic:acme' }],
      priceOverrides: [
        { kind: 'discount', provider: 'anthropic', percent: '0.15', from: '2026-01-01', until: null },
        {
          kind: 'model_price',
          provider: 'self-hosted',
          model: 'acme-support-ft-v3',
          prices: { inputMtok: '0.4', outputMtok: '1.6', cacheReadMtok: '0.04', cacheWriteMtok: '0.5' },
          from: '2026-01-01',
          until: null,
        },
      ],
      priceMultipliers: [
        {
          provider: 'anthropic',
          dimension: 'serviceTier',
          value: 'priority',
          factor: '1.25',
          source: 'org:price_multipliers[0]',
          from: null,
          until: null,
        },
        {
          provider: 'anthropic',
          dimension: 'geo',
          value: 'us',
          factor: '1.1',
          source: 'org:price_multipliers[1]',
          from: '2026-02-01',
          until: null,
        },
      ],
      sources: ['claude_code', 'github'],
      notify: { slackWebhookEnv: 'ACME_SLACK_WEBHOOK' },
      server: {
        host: null,
        port: 8080,
        syncIntervalMinutes: 30,
        ingestRequestsPerMinute: null,
        publicNames: [],
        otlpTokenRequired: false,
      },
      delivery: { trunkBased: ['github.com/acme/infra'] },
      workloadBands: [{ type: 'triage', low: 500_000, high: 2_000_000 }],
    });
  });

  it('names the Slack webhook by its environment variable, never by the URL', () => {
    expect(valid('org: x\n').notify).toEqual({ slackWebhookEnv: null });
    const r = parseOrgFile(
      'org: x\nnotify:\n  slack: { webhook_env: "https://hooks.slack.com/services/T/B/x" }\n',
      'm.yaml',
    );
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toContain('expected an environment variable name');
  });

  it('keeps money decimal: 0.1 + 0.2 is exactly 0.3', () => {
    const d = valid(`org: acme
seats:
  - { tool: a, monthly_price: 0.1, assignees: all }
  - { tool: b, monthly_price: 0.2, assignees: all }
price_overrides:
  - { provider: openai, discount_percent: 12.5 }
  - { model: m, input_per_mtok: 0.000001, output_per_mtok: 0.30000000000000004 }
`);
    const [a, b] = d.seats;
    expect(a && b && a.monthlyPrice.plus(b.monthlyPrice).toString()).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3); // what a float would have given
    const [discount, model] = d.priceOverrides;
    expect(discount?.kind === 'discount' && discount.percent.toString()).toBe('0.125');
    expect(model?.kind === 'model_price' && model.prices.inputMtok.toFixed()).toBe('0.000001');
    expect(model?.kind === 'model_price' && model.prices.outputMtok.toFixed()).toBe('0.30000000000000004');
  });

  it('defaults to UTC, privacy team and a minimum group of 5, with empty sections', () => {
    expect(plain(valid('org: x\n'))).toMatchObject({
      timeZone: 'UTC',
      privacy: { individuals: 'team', minGroupSize: 5 },
      teams: [],
      people: [],
      sources: [],
    });
    // A section whose entries are all commented out reads as null: it means empty, not an error.
    expect(valid('org: x\nprivacy:\nteams:\n# - { id: a, name: A }\nsources:\n').privacy.minGroupSize).toBe(
      5,
    );
    expect(valid('org: x\nprivacy: { individuals: hidden }\n').privacy).toEqual({
      individuals: 'hidden',
      minGroupSize: 5,
    });
  });

  it('follows YAML anchors for values and their places', () => {
    const d = valid(
      'org: x\nseats:\n  - { tool: a, monthly_price: &p 0.10, assignees: all }\n  - { tool: b, monthly_price: *p, assignees: all }\n',
    );
    expect(d.seats.map((s) => s.monthlyPrice.toString())).toEqual(['0.1', '0.1']);
  });
});

describe('parseOrgFile: issues carry file, line, column and field', () => {
  it('YAML syntax (bad indentation) names the line', () => {
    const found = issues('org: acme\nteams:\n  - id: a\n   name: b\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toBe(
      'mileage.yaml:4:1 teams[0]: YAML syntax: Sequence item without - indicator (check the indentation, and that every list item starts with "- ")',
    );
  });

  it('YAML syntax: a duplicate key names its line', () => {
    expect(issues('org: acme\ntime_zone: UTC\norg: other\n')[0]).toMatch(
      /^mileage\.yaml:3:1 .*YAML syntax: Map keys must be unique/,
    );
  });

  it('an unknown field, at its key, with the fields expected there', () => {
    expect(issues('org: acme\nteams:\n  - id: pay\n    name: Payments\n    colour: blue\n')).toEqual([
      'mileage.yaml:5:5 teams[0].colour: unknown field "colour" (expected: id, name, loaded_cost_per_engineer, coach, manager)',
    ]);
    expect(issues('org: acme\npeople:\n  - { id: a, name: A, tema: x }\n')).toEqual([
      'mileage.yaml:3:23 people[0].tema: unknown field "tema" (did you mean "team"? expected: id, name, team, emails, git_names, logins, tracker_ids, key_ids, account_ids)',
    ]);
    expect(issues('org: acme\nteam: []\n')[0]).toMatch(
      /^mileage\.yaml:2:1 team: unknown field "team" \(did you mean "teams"\?/,
    );
  });

  it('a wrong type, at the value, saying what was expected', () => {
    expect(
      issues(`org: acme
privacy:
  min_group_size: five
seats:
  - tool: copilot
    monthly_price: lots
    assignees: ana
`),
    ).toEqual([
      'mileage.yaml:3:19 privacy.min_group_size: expected a whole number >= 1, got "five"',
      'mileage.yaml:6:20 seats[0].monthly_price: expected an amount in USD >= 0, such as 19 or 0.40, got "lots"',
      'mileage.yaml:7:16 seats[0].assignees: expected a list of person ids such as [ana, bo], or all, got "ana"',
    ]);
    expect(issues('org: acme\nteams: { id: a }\n')).toEqual([
      'mileage.yaml:2:8 teams: expected a list of entries, each starting with "- ", got a mapping',
    ]);
    expect(issues('org: acme\nprivacy: { individuals: public }\n')).toEqual([
      'mileage.yaml:2:25 privacy.individuals: expected one of visible, team, hidden, got "public"',
    ]);
  });

  it('never echoes a value that looks like a token', () => {
    expect(issues('org: acme\npeople:\n  - { id: a, name: A, emails: ghp_abcdef }\n')).toEqual([
      'mileage.yaml:3:31 people[0].emails: expected a list, such as [ana@acme.com], got a value that looks like a secret',
    ]);
  });

  it('a missing required field, at the entry that lacks it', () => {
    expect(issues('time_zone: UTC\n')).toEqual(['mileage.yaml:1:1 org: missing: expected text']);
    expect(issues('org: acme\nteams:\n  - id: pay\n')).toEqual([
      'mileage.yaml:3:5 teams[0].name: missing: expected text',
    ]);
  });

  it('an unknown team reference, listing the teams there are', () => {
    const file = `org: acme
teams:
  - { id: payments, name: Payments }
  - { id: platform, name: Platform }
people:
  - { id: a, name: A, team: payments }
  - { id: b, name: B, team: payments }
  - { id: c, name: C, team: payments }
  - id: ana
    name: Ana
    team: pay
`;
    expect(issues(file)).toEqual([
      'mileage.yaml:11:11 people[3].team: unknown team "pay" (teams: payments, platform)',
    ]);
    expect(issues(file.replace('team: pay\n', 'team: paymnts\n'))).toEqual([
      'mileage.yaml:11:11 people[3].team: unknown team "paymnts" — did you mean "payments"? (teams: payments, platform)',
    ]);
  });

  it('every other reference: key owner, team, workflow; workflow team; seat assignees', () => {
    expect(
      issues(`org: acme
keys:
  - { id: k1, name: K, owner: zed, team: t, workflow: w }
workflows:
  - { id: triage, name: Triage, team: t }
seats:
  - { tool: copilot, monthly_price: 19, assignees: [zed] }
`),
    ).toEqual([
      'mileage.yaml:3:31 keys[0].owner: unknown person "zed" (no people are defined)',
      'mileage.yaml:3:42 keys[0].team: unknown team "t" (no teams are defined)',
      'mileage.yaml:3:55 keys[0].workflow: unknown workflow "w" (workflows: triage)',
      'mileage.yaml:5:39 workflows[0].team: unknown team "t" (no teams are defined)',
      'mileage.yaml:7:53 seats[0].assignees[0]: unknown person "zed" (no people are defined)',
    ]);
  });

  it('a duplicate alias, at the second use, naming the first owner (case and spaces ignored)', () => {
    expect(
      issues(`org: acme
people:
  - { id: a, name: A, emails: [x@acme.com] }
  - id: b
    name: B
    logins: [bee]
    emails: [other@acme.com, " X@Acme.com"]
`),
    ).toEqual([
      'mileage.yaml:7:30 people[1].emails[1]: alias " X@Acme.com" already belongs to a (people[0].emails[0]): an alias may belong to one person only',
    ]);
  });

  it('a literal secret, at its value, without repeating it', () => {
    const found = issues(`org: acme
sources:
  github:
    token: ghp_abcdefghijklmnop1234
    repos: [acme/api]
  jira: { site: acme, auth: { api_key: hunter2 } }
`);
    expect(found).toEqual([
      'mileage.yaml:4:12 sources.github.token: looks like a GitHub token: secrets never go in this file. Put the secret in an environment variable and name the variable here instead, e.g. token_env: GITHUB_TOKEN',
      'mileage.yaml:6:40 sources.jira.auth.api_key: "api_key" holds a literal value: secrets never go in this file. Put the secret in an environment variable and name the variable here instead, e.g. api_key_env: JIRA_API_KEY',
    ]);
    expect(found.join('\n')).not.toContain('ghp_abcdefghijklmnop1234');
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('duplicate ids, key owners that disagree, repeated assignees, dates and price overrides', () => {
    expect(
      issues(`org: acme
teams:
  - { id: pay, name: P }
  - { id: pay, name: P2 }
people:
  - { id: ana, name: Ana, key_ids: [K-1] }
  - { id: bo, name: Bo }
keys:
  - { id: k-1, name: K, owner: bo }
seats:
  - { tool: c, monthly_price: 1, assignees: [ana, ana], from: 2026-02-30 }
  - { tool: d, monthly_price: 1, assignees: all, from: 2026-03-01, until: 2026-03-01 }
price_overrides:
  - { provider: anthropic, discount_percent: 150 }
  - { model: m, input_per_mtok: 1 }
  - { provider: openai }
`),
    ).toEqual([
      'mileage.yaml:4:11 teams[1].id: duplicate id "pay" (already used by teams[0])',
      'mileage.yaml:9:32 keys[0].owner: owner "bo" disagrees with people: key "k-1" is in ana\'s key_ids (make them the same person)',
      'mileage.yaml:11:51 seats[0].assignees[1]: "ana" is listed twice: each assignee is charged one seat',
      'mileage.yaml:11:63 seats[0].from: expected a real day as YYYY-MM-DD, got "2026-02-30"',
      'mileage.yaml:12:75 seats[1].until: expected a day after from (2026-03-01); until is exclusive',
      'mileage.yaml:14:46 price_overrides[0].discount_percent: expected a percentage between 0 and 100',
      'mileage.yaml:15:5 price_overrides[1].output_per_mtok: missing: USD per million output tokens',
      'mileage.yaml:16:5 price_overrides[2]: expected either provider with discount_percent, or model with input_per_mtok and output_per_mtok',
    ]);
  });

  it('collects schema and cross-check issues in one pass, in file order', () => {
    expect(
      issues(`org: acme
time_zone: Mars/Olympus
people:
  - { id: a, name: A, team: nope, emails: [x@acme.com] }
  - { id: b, name: 7, emails: [X@acme.com] }
sources:
  github: { token: ghp_abc123 }
`).map((i) => i.split(':').slice(0, 3).join(':')),
    ).toEqual([
      'mileage.yaml:2:12 time_zone',
      'mileage.yaml:4:29 people[0].team',
      'mileage.yaml:5:20 people[1].name',
      'mileage.yaml:5:32 people[1].emails[0]',
      'mileage.yaml:7:20 sources.github.token',
    ]);
  });
});

describe('sourceConfigs', () => {
  it('gives each connector its raw settings and places its own issues', () => {
    const r = sourceConfigs(FULL, 'mileage.yaml');
    if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
    expect(r.value.map((s) => [s.name, s.config])).toEqual([
      ['claude_code', { path: '~/.claude' }],
      ['github', { token_env: 'GITHUB_TOKEN', repos: ['acme/api'] }],
    ]);
    const github = r.value[1];
    const lines = FULL.split('\n');
    const line = lines.findIndex((l) => l.includes('repos: [acme/api]')) + 1;
    const column = (lines[line - 1] ?? '').indexOf('acme/api') + 1;
    expect(github && formatIssue(github.issueAt(['repos', 0], 'no access to this repository'))).toBe(
      `mileage.yaml:${line}:${column} sources.github.repos[0]: no access to this repository`,
    );
  });

  it('returns the file issues when the file is invalid', () => {
    expect(sourceConfigs('org: acme\nsources:\n  github: { token: ghp_x }\n', 'm.yaml').ok).toBe(false);
  });
});

describe('loadOrgFile and findOrgFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mileage-org-'));

  it('reads a file from disk, and reports a missing one as one issue', async () => {
    writeFileSync(join(dir, 'mileage.yaml'), 'org: disk\n');
    const r = await loadOrgFile(join(dir, 'mileage.yaml'));
    expect(r.ok && [r.value.org, r.value.file]).toEqual(['disk', join(dir, 'mileage.yaml')]);
    const missing = await loadOrgFile(join(dir, 'nope.yaml'));
    expect(missing.ok ? [] : missing.error.map(formatIssue)).toEqual([
      `${join(dir, 'nope.yaml')}:1:1: file not found: create one with \`mileage init\`, or pass --config`,
    ]);
  });

  it('prefers --config, then MILEAGE_CONFIG, then ./mileage.yaml when it exists', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mileage-org-'));
    expect(findOrgFile({ explicit: 'a.yaml', cwd: dir, env: { MILEAGE_CONFIG: 'b.yaml' } })).toBe(
      join(dir, 'a.yaml'),
    );
    expect(findOrgFile({ cwd: dir, env: { MILEAGE_CONFIG: '/etc/b.yaml' } })).toBe('/etc/b.yaml');
    expect(findOrgFile({ cwd: dir, env: {} })).toBe(join(dir, 'mileage.yaml'));
    expect(findOrgFile({ cwd: empty, env: {} })).toBeNull();
  });
});

describe('parseOrgFile: hostile input', () => {
  it('reports an alias bomb instead of expanding it', () => {
    const bomb = ['org: acme', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    const r = parseOrgFile(bomb.join('\n'), 'm.yaml');
    expect(r.ok ? 'parsed' : r.error.map(formatIssue).join('\n')).toMatch(/^m\.yaml:1:1: YAML: .*alias/i);
  });
});
