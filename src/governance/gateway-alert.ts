import { formatUsd, usd } from '../domain/money.js';
import { recordId } from '../domain/ids.js';
import type { AlertCandidate } from './alert.js';

/**
 * The fields of the gateway's BudgetAlert (src/gateway/budgets.ts) this reads, written out here so imports
 * keep pointing inward (the gateway calls governance, never the reverse).
 */
export interface KeyBudgetCrossing {
  keyId: string;
  team: string;
  workflow: string | null;
  month: string;
  percent: number;
  budgetUsd: string;
  spentUsd: string;
  unpriced: number;
}

/**
 * A gateway key's soft-budget alert (src/gateway/budgets.ts) as an alert of the history, for `raiseAlert`:
 * the same one-per-threshold-and-month rule (subject = key, period = month, level = percent), routed to the
 * key's team coach. The key is not named — a virtual key can be a person's — only its team.
 */
export function gatewayBudgetCandidate(a: KeyBudgetCrossing, teamName: string): AlertCandidate {
  const spent = formatUsd(usd(a.spentUsd));
  const budget = formatUsd(usd(a.budgetUsd));
  return {
    rule: 'gateway.key_budget',
    // The history and the API list subjects: a key id that may be a person's is kept as a hash.
    subject: `key-${recordId('gateway-key', a.keyId).slice(0, 16)}`,
    period: a.month,
    level: a.percent,
    severity: a.percent >= 100 ? 'critical' : a.percent >= 80 ? 'warning' : 'info',
    teamId: a.team,
    route: 'coach',
    message: {
      title: `A gateway key of ${teamName} has used ${a.percent}% of its monthly budget`,
      happened: `A gateway key of ${teamName}${a.workflow ? ` (workflow ${a.workflow})` : ''} has served ${spent} at list price of its ${budget} budget for ${a.month}. Nothing is blocked: only a sandbox key has a cap.`,
      evidence: [
        ['spent (list price)', spent],
        ['budget', `${budget} per month`],
        ['month', a.month],
        ...(a.unpriced > 0
          ? [['unpriced requests', `${a.unpriced} (not in the total)`] as [string, string]]
          : []),
      ],
      question:
        'What is this key being used for this month, and does the work it serves need this much — or has a job, a loop or a model change grown it?',
      metricIds: ['spend.total'],
    },
  };
}
