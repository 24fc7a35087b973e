import { usd } from '../domain/money.js';
import type { Db } from '../store/db.js';
import type { Budget, BudgetPeriod, BudgetScope } from './config.js';

/** Budgets set through the API, kept in the store (the org file's are read from the file). */
export async function listStoredBudgets(db: Db): Promise<Budget[]> {
  const rows = await db.query(
    'SELECT id, scope, subject, CAST(amount AS VARCHAR) AS amount, period, thresholds, forecast FROM budgets ORDER BY id',
  );
  return rows.map((r) => ({
    id: String(r.id),
    scope: String(r.scope) as BudgetScope,
    subject: String(r.subject),
    amount: usd(String(r.amount)),
    period: String(r.period) as BudgetPeriod,
    thresholds: JSON.parse(String(r.thresholds)) as number[],
    forecast: Boolean(r.forecast),
    origin: 'api',
  }));
}

/** Creates or replaces a budget by id. */
export async function saveBudget(db: Db, b: Budget, now: Date): Promise<void> {
  await db.query('DELETE FROM budgets WHERE id = $id', { id: b.id });
  await db.query(
    `INSERT INTO budgets (id, scope, subject, amount, period, thresholds, forecast, created_at)
     VALUES ($id, $scope, $subject, CAST($amount AS DECIMAL(18,10)), $period, $thresholds, $forecast, CAST($now AS TIMESTAMPTZ))`,
    {
      id: b.id,
      scope: b.scope,
      subject: b.subject,
      amount: b.amount.toFixed(),
      period: b.period,
      thresholds: JSON.stringify(b.thresholds),
      forecast: b.forecast,
      now: now.toISOString(),
    },
  );
}

export async function deleteBudget(db: Db, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM budgets WHERE id = $id RETURNING id', { id })).length > 0;
}
