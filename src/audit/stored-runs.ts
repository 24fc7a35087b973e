import type { Db } from '../store/db.js';
import { dialectFor } from '../store/sql/dialect.js';
import type { AuditResult, CandidateResult } from './evaluate.js';
import type { RequirementVerdict } from './verdict.js';

/**
 * Audit runs in the store: each run's verdicts and figures, never its requests or answers. The weekly
 * diagnostic's model-fit finding, `audit plan` and `audit report` read them from here.
 */
export interface StoredVerdict {
  candidate: string;
  verdict: string;
  requirement: string;
  passed: number;
  n: number;
  rate: number;
  low: number;
  high: number;
  required: number;
  costPerCase: string | null;
  monthlySaving: string | null;
}

export interface StoredAudit {
  id: string;
  workflow: string;
  barVersion: number;
  finishedAt: string;
  cases: number;
  incumbent: string;
  verdicts: StoredVerdict[];
}

/** The requirement a one-line summary quotes: the first failing one, else the one over the most cases. */
export function headlineRequirement(c: CandidateResult): RequirementVerdict | null {
  const failing = c.requirements.find((r) => r.status === 'fail');
  if (failing) return failing;
  return c.requirements.reduce<RequirementVerdict | null>(
    (best, r) => (best === null || r.n > best.n ? r : best),
    null,
  );
}

export async function saveAuditRun(
  db: Db,
  run: { id: string; workflow: string; finishedAt: string; result: AuditResult },
): Promise<void> {
  const { result } = run;
  await db.query('DELETE FROM audit_verdicts WHERE run_id = $id', { id: run.id });
  await db.query('DELETE FROM audit_runs WHERE id = $id', { id: run.id });
  await db.query(
    `INSERT INTO audit_runs (id, workflow, bar_version, finished_at, cases, incumbent, audit_cost, result_json)
     VALUES ($id, $workflow, $version, CAST($finished AS TIMESTAMPTZ), $cases, $incumbent, CAST($cost AS DECIMAL(18,10)), $json)`,
    {
      id: run.id,
      workflow: run.workflow,
      version: result.bar.version,
      finished: run.finishedAt,
      cases: result.cases,
      incumbent: result.incumbent.model,
      cost: result.auditCost,
      json: JSON.stringify(result),
    },
  );
  for (const c of result.candidates) {
    const r = headlineRequirement(c);
    await db.query(
      `INSERT INTO audit_verdicts (run_id, candidate, verdict, requirement, passed, n, rate, rate_low, rate_high, required,
         cost_per_case, monthly_saving)
       VALUES ($run, $candidate, $verdict, $req, $passed, $n, $rate, $low, $high, $required,
         CAST($cost AS DECIMAL(18,10)), CAST($saving AS DECIMAL(18,2)))`,
      {
        run: run.id,
        candidate: c.model,
        verdict: c.verdict,
        req: r?.name ?? '',
        passed: r?.passed ?? 0,
        n: r?.n ?? 0,
        rate: r?.rate ?? 0,
        low: r?.interval.low ?? 0,
        high: r?.interval.high ?? 1,
        required: r?.required ?? 1,
        cost: c.figures.costPerCase,
        saving: c.monthlySaving,
      },
    );
  }
}

async function verdictsOf(db: Db, runId: string): Promise<StoredVerdict[]> {
  const rows = await db.query(
    `SELECT candidate, verdict, requirement, passed, n, rate, rate_low, rate_high, required,
       CAST(cost_per_case AS VARCHAR) AS cost_per_case, CAST(monthly_saving AS VARCHAR) AS monthly_saving
     FROM audit_verdicts WHERE run_id = ${dialectFor(db.dialect).param('id', 'String')} ORDER BY candidate`,
    { id: runId },
  );
  return rows.map((r) => ({
    candidate: String(r.candidate),
    verdict: String(r.verdict),
    requirement: String(r.requirement),
    passed: Number(r.passed),
    n: Number(r.n),
    rate: Number(r.rate),
    low: Number(r.rate_low),
    high: Number(r.rate_high),
    required: Number(r.required),
    costPerCase: r.cost_per_case === null ? null : String(r.cost_per_case),
    monthlySaving: r.monthly_saving === null ? null : String(r.monthly_saving),
  }));
}

/** Stored runs, newest first; of one workflow when given. */
export async function listAudits(db: Db, workflow: string | null = null, limit = 50): Promise<StoredAudit[]> {
  const rows = await db.query(
    `SELECT id, workflow, bar_version, CAST(finished_at AS VARCHAR) AS finished_at, cases, incumbent
     FROM audit_runs WHERE ${workflow === null ? 'TRUE' : `workflow = ${dialectFor(db.dialect).param('workflow', 'String')}`}
     ORDER BY audit_runs.finished_at DESC, id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    workflow === null ? {} : { workflow },
  );
  const out: StoredAudit[] = [];
  for (const r of rows) {
    out.push({
      id: String(r.id),
      workflow: String(r.workflow),
      barVersion: Number(r.bar_version),
      finishedAt: String(r.finished_at),
      cases: Number(r.cases),
      incumbent: String(r.incumbent),
      verdicts: await verdictsOf(db, String(r.id)),
    });
  }
  return out;
}

export async function latestAudit(db: Db, workflow: string): Promise<StoredAudit | null> {
  return (await listAudits(db, workflow, 1))[0] ?? null;
}

/** A stored run's full evaluation (for `audit report`), or null when the id is unknown. */
export async function storedResult(
  db: Db,
  id: string,
): Promise<{ audit: StoredAudit; result: AuditResult } | null> {
  const rows = await db.query(
    `SELECT result_json FROM audit_runs WHERE id = ${dialectFor(db.dialect).param('id', 'String')}`,
    { id },
  );
  const row = rows[0];
  if (!row) return null;
  const audit = (await listAudits(db, null, 10_000)).find((a) => a.id === id);
  if (!audit) return null;
  return { audit, result: JSON.parse(String(row.result_json)) as AuditResult };
}

/**
 * What the workflow cost over the last 30 days of the ledger (its latest day back): the volume a candidate's
 * saving is projected on. Null when the ledger holds nothing for it.
 */
export async function monthlySpendOf(db: Db, workflow: string): Promise<string | null> {
  const rows = await db.query(
    `SELECT CAST(sum(cost) AS VARCHAR) AS cost FROM ledger_daily
     WHERE workflow_id = $workflow AND day > (SELECT max(day) FROM ledger_daily WHERE workflow_id = $workflow) - INTERVAL 30 DAY`,
    { workflow },
  );
  const v = rows[0]?.cost;
  return v === null || v === undefined ? null : String(v);
}
