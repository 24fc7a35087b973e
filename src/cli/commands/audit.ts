import type { Command } from 'commander';
import type { Run } from '../run.js';
import { registerAuditCapture } from './audit-capture.js';
import { registerAuditPlan } from './audit-plan.js';
import { registerAuditReport } from './audit-report.js';
import { registerAuditRun } from './audit-run.js';
import { registerAuditSample } from './audit-sample.js';

/** `mileage audit …`: is a cheaper model good enough for a workload? Test it against its written quality bar. */
export function registerAudit(program: Command, run: Run): void {
  const audit = program
    .command('audit')
    .description("Model-selection audits: score cheaper models against a workload's quality bar");
  registerAuditRun(audit, run);
  registerAuditReport(audit, run);
  registerAuditPlan(audit, run);
  registerAuditCapture(audit, run);
  registerAuditSample(audit, run);
}
