import type { OrgDirectory } from '../domain/directory.js';
import { MileageError } from '../domain/errors.js';
import { delivered } from '../governance/channels.js';
import { governanceFor } from '../governance/config-file.js';
import { runAlerts, type AlertRunSummary, type GovernanceRuntime } from '../governance/run.js';
import { formatIssue } from '../org/issue.js';
import type { Db } from '../store/db.js';
import type { Terminal } from './terminal.js';

/** The org file's budgets and alert rules, or null when it asks for none; its issues stop the command. */
export async function governanceRuntime(
  directory: OrgDirectory | null | undefined,
): Promise<GovernanceRuntime | null> {
  const r = await governanceFor(directory);
  if (!r.ok)
    throw new MileageError(
      'config',
      `${directory?.file ?? 'mileage.yaml'} has ${r.error.length} problem${r.error.length === 1 ? '' : 's'} in budgets or alerts:\n${r.error.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
      'Fix the lines above, then run the command again (`mileage org check` validates the file alone).',
    );
  return r.value;
}

/**
 * After an ingest or a sync that refreshed the ledger: evaluate the alert rules when the org file asks for
 * them. An alert that cannot be sent is said on stderr; it never fails the ingest that triggered it.
 */
export async function alertAfterIngest(
  db: Db,
  directory: OrgDirectory | null | undefined,
  term: Terminal,
): Promise<AlertRunSummary | null> {
  try {
    const runtime = await governanceRuntime(directory);
    if (!runtime) return null;
    const summary = await runAlerts({ db, runtime, log: (m) => term.warn(m) });
    reportRun(summary, term);
    return summary;
  } catch (error) {
    term.warn(`alert rules failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** One stderr line per alert sent, and one per channel that failed. */
export function reportRun(summary: AlertRunSummary, term: Terminal): void {
  for (const s of summary.sent) {
    term.log(`Alert ${s.decision}: ${s.rule} ${s.id} → ${s.to}`);
    for (const [channel, outcome] of Object.entries(s.deliveries))
      if (!delivered(outcome)) term.warn(`  ${channel}: ${outcome}`);
  }
}
