import { usd, ZERO_USD, type Usd } from '../domain/money.js';
import type { UsageRecord } from '../domain/usage.js';
import { costOf } from '../pricing/cost.js';
import { resolveListPrice } from '../pricing/catalog.js';
import type { KeyEntry } from './key-spec.js';

/** A threshold crossed: said once per key, threshold and month. */
export interface BudgetAlert {
  keyId: string;
  team: string;
  workflow: string | null;
  month: string;
  percent: number;
  budgetUsd: string;
  spentUsd: string;
  /** Requests of the month whose model has no list price: their spend is not in `spentUsd`. */
  unpriced: number;
}

const DEFAULT_ALERT_AT = [50, 80, 100];

/** A record's list price: what the budget counts (the bill arrives later; this is the best figure now). */
export function listCost(r: UsageRecord): Usd | null {
  if (!r.model) return null;
  const price = resolveListPrice(r.provider, r.model, r.start);
  return price ? costOf(price, r.tokens) : null;
}

/**
 * Soft budgets and sandbox caps of gateway keys, over the spend this gateway has served in the current UTC
 * month (exact decimals; a request of an unpriced model is counted apart, never as $0). A budget alerts once
 * per threshold and month and never blocks; only a sandbox key's cap refuses requests, once its month's spend
 * reaches it. The tally lives in this process (it starts from zero at each start and is per gateway), which
 * suits a sandbox's safe bounds; the ledger holds the organisation-wide figures.
 */
export class Budgets {
  private readonly months = new Map<
    string,
    { month: string; spent: Usd; unpriced: number; told: Set<number> }
  >();

  constructor(
    private readonly alert: (a: BudgetAlert) => void,
    private readonly price: (r: UsageRecord) => Usd | null = listCost,
  ) {}

  /** Whether a sandbox key's cap is reached this month (only then is a request refused). */
  capped(key: KeyEntry, now: Date = new Date()): boolean {
    if (!key.sandbox || key.capUsd === null) return false;
    return this.tally(key.id, now).spent.greaterThanOrEqualTo(usd(key.capUsd));
  }

  /** Counts a served request against its key; alerts on each threshold first crossed. */
  add(key: KeyEntry, record: UsageRecord): void {
    if (key.budgetUsd === null && key.capUsd === null) return;
    const t = this.tally(key.id, record.end);
    const cost = this.price(record);
    if (cost === null) t.unpriced += 1;
    else t.spent = t.spent.plus(cost);
    if (key.budgetUsd === null) return;
    const budget = usd(key.budgetUsd);
    if (budget.isZero()) return;
    for (const percent of key.alertAt ?? DEFAULT_ALERT_AT) {
      if (t.told.has(percent) || t.spent.lessThan(budget.times(percent).dividedBy(100))) continue;
      t.told.add(percent);
      this.alert({
        keyId: key.id,
        team: key.team,
        workflow: key.workflow,
        month: t.month,
        percent,
        budgetUsd: key.budgetUsd,
        spentUsd: t.spent.toFixed(2),
        unpriced: t.unpriced,
      });
    }
  }

  private tally(keyId: string, at: Date) {
    const month = at.toISOString().slice(0, 7);
    let t = this.months.get(keyId);
    if (!t || t.month !== month) {
      t = { month, spent: ZERO_USD, unpriced: 0, told: new Set() };
      this.months.set(keyId, t);
    }
    return t;
  }
}
