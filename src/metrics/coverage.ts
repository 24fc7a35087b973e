import { defineMetric } from './define.js';
import { windowFilter, windowParams } from './metric.js';
import { money, moneyShare, num, ratio } from './table.js';
import { relation } from './relations.js';

/**
 * coverage.evidence_levels: how much of the spend is attributed to a team, a person, a workflow and a PR, and
 * by which evidence (strongest first), with the unpriced volume that no dollar figure includes.
 *
 * The PR row is the spend the session → branch → PR join tied to a PR (ledger_prs); the rest of a person's
 * spend reaches PRs by person × period in cost per merged PR, which this partition does not repeat.
 */
export const evidenceCoverageMetric = defineMetric({
  id: 'coverage.evidence_levels',
  dims: [],
  columns: [
    { id: 'share', label: 'share of spend', unit: 'share' },
    { id: 'cost', label: 'spend', unit: 'USD' },
    { id: 'evidence', label: 'evidence', unit: 'text' },
  ],
  async compute(ctx) {
    const p = windowParams(ctx.window);
    const [c] = await ctx.db.query(
      `SELECT CAST(coalesce(sum(cost), 0) AS VARCHAR) AS total,
       CAST(coalesce(sum(cost) FILTER (WHERE team_id IS NOT NULL), 0) AS VARCHAR) AS team,
       CAST(coalesce(sum(cost) FILTER (WHERE person_id IS NOT NULL), 0) AS VARCHAR) AS person,
       CAST(coalesce(sum(cost) FILTER (WHERE workflow_id IS NOT NULL), 0) AS VARCHAR) AS workflow,
       CAST(coalesce(sum(cost) FILTER (WHERE workflow_id IS NULL AND key_hash IS NOT NULL), 0) AS VARCHAR) AS key_only,
       CAST(coalesce(sum(cost) FILTER (WHERE workflow_id IS NULL AND key_hash IS NULL AND person_id IS NOT NULL AND source = 'directory-seats'), 0) AS VARCHAR) AS seat,
       CAST(coalesce(sum(cost) FILTER (WHERE workflow_id IS NULL AND key_hash IS NULL AND person_id IS NOT NULL AND source <> 'directory-seats'), 0) AS VARCHAR) AS person_usage,
       CAST(coalesce(sum(cost) FILTER (WHERE workflow_id IS NULL AND key_hash IS NULL AND person_id IS NULL AND team_id IS NOT NULL), 0) AS VARCHAR) AS team_only,
       CAST(coalesce(sum(cost) FILTER (WHERE workflow_id IS NULL AND key_hash IS NULL AND person_id IS NULL AND team_id IS NULL), 0) AS VARCHAR) AS none
     FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', ctx)} AND NOT unpriced`,
      p,
    );
    const [u] = await ctx.db.query(
      `SELECT coalesce(sum(records), 0) AS records, coalesce(sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens), 0) AS tokens,
       coalesce(sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) FILTER (WHERE NOT unpriced), 0) AS priced_tokens
     FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', ctx)}`,
      p,
    );
    const [bySession] = await ctx.db.query(
      `SELECT CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost, count(DISTINCT pr_id) AS prs
     FROM ${relation(ctx, 'ledger_prs')} WHERE ${windowFilter('day', ctx)} AND NOT unpriced`,
      p,
    );
    // Level 1 at its strongest: keys the gateway issued with their tags, counted whether priced or not.
    const [gw] = await ctx.db.query(
      `SELECT CAST(coalesce(sum(cost) FILTER (WHERE NOT unpriced), 0) AS VARCHAR) AS cost,
       count(DISTINCT key_hash) AS keys, coalesce(sum(requests), 0) AS requests,
       coalesce(sum(requests) FILTER (WHERE unpriced), 0) AS unpriced_requests
     FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', ctx)} AND source = 'gateway'`,
      p,
    );
    const [unpriced] = await ctx.db.query(
      `SELECT coalesce(sum(records), 0) AS records, coalesce(sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens), 0) AS tokens
     FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', ctx)} AND unpriced`,
      p,
    );
    const total = money(c?.total);
    const row = (key: string, label: string, cost: string | null, evidence: string) => ({
      key,
      label,
      values: { cost, share: moneyShare(cost, total), evidence },
    });
    return {
      by: 'level',
      rows: [
        row('team', 'attributed to a team', money(c?.team), 'any of the below that names a team'),
        row('person', 'attributed to a person', money(c?.person), 'actor alias, key owner or seat holder'),
        row('workflow', 'attributed to a workflow', money(c?.workflow), 'tag at issuance, or key → workflow'),
        row(
          'pr',
          'attributed to a PR by session',
          money(bySession?.cost),
          num(bySession?.prs) > 0
            ? `session → branch → PR (level 2), ${num(bySession?.prs)} PRs; the rest reaches PRs by person × period`
            : 'no agent session on a PR branch yet (needs agent logs and merged PRs of the same repository)',
        ),
        row(
          'gateway',
          'attributed at issuance by the gateway',
          // No dollar figure when every gateway request is unpriced (a $0 would read as "attributed nothing").
          num(gw?.requests) > num(gw?.unpriced_requests) ? money(gw?.cost) : null,
          num(gw?.requests) > 0
            ? `level 1: ${num(gw?.keys)} gateway key${num(gw?.keys) === 1 ? '' : 's'} tagged with team and workflow when issued, ${num(gw?.requests).toLocaleString('en-US')} requests${num(gw?.unpriced_requests) > 0 ? ` (${num(gw?.unpriced_requests).toLocaleString('en-US')} unpriced, in no dollar figure)` : ''}`
            : 'no request through `mileage gateway` yet (its keys name team and workflow when issued)',
        ),
        row('level:workflow', '1 · tag or key → workflow', money(c?.workflow), 'strongest'),
        row('level:key', '1 · key without a workflow', money(c?.key_only), 'key in mileage.yaml'),
        row(
          'level:person_usage',
          '4 · person × period (usage)',
          money(c?.person_usage),
          'alias of the actor',
        ),
        row('level:seat', '4 · person × period (seat)', money(c?.seat), 'seat in mileage.yaml'),
        row('level:team_only', 'team only', money(c?.team_only), 'key → team, no person'),
        row('level:unattributed', 'unattributed', money(c?.none), 'billed money no finer source explains'),
        row(
          'unpriced',
          'unpriced volume',
          null,
          `${num(unpriced?.tokens)} tokens in ${num(unpriced?.records)} entries, in no dollar figure`,
        ),
      ],
      notes: [
        `Unpriced volume: ${num(unpriced?.tokens).toLocaleString('en-US')} tokens in ${num(unpriced?.records).toLocaleString('en-US')} ledger entries have no price and are in no dollar figure (${((ratio(num(unpriced?.tokens), num(u?.tokens)) ?? 0) * 100).toFixed(1)}% of tokens).`,
        'Attribution levels (docs/how-numbers-are-computed.md, "Cost per PR"): 1 tag or key, 2 session → branch → PR, 4 person × period; 3 (commit markers) marks PRs as AI-assisted and moves no dollar. The PR row is part of the person and workflow rows, not beside them.',
        'The level rows partition the spend; a key row with a person is counted under its key. The gateway row, like the PR row, is part of the rows above and below it, not beside them.',
      ],
    };
  },
});

export const evidenceCoverage = evidenceCoverageMetric.run;
