import { Command } from 'commander';
import { registerAlerts } from './commands/alerts.js';
import { registerAudit } from './commands/audit.js';
import { registerDemo } from './commands/demo.js';
import { registerExperiment } from './commands/experiment.js';
import { registerExport } from './commands/export.js';
import { registerGateway } from './commands/gateway.js';
import { registerInit } from './commands/init.js';
import { registerIngest } from './commands/ingest.js';
import { registerKeys } from './commands/keys.js';
import { registerMetrics } from './commands/metrics.js';
import { registerOrg } from './commands/org.js';
import { registerPrices } from './commands/prices.js';
import { registerQuery } from './commands/query.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerReport } from './commands/report.js';
import { registerSeats } from './commands/seats.js';
import { registerServe } from './commands/serve.js';
import { registerStore } from './commands/store.js';
import { registerStart } from './commands/start.js';
import { registerSync } from './commands/sync.js';
import { registerTokens } from './commands/tokens.js';
import { registerWhatIf } from './commands/whatif.js';
import type { Run } from './run.js';
import { VERSION } from './version.js';

/** The CLI's commands, each printing through `run`'s terminal (main.ts runs them on the process's). */
export function buildProgram(run: Run): Command {
  const program = new Command('mileage')
    .description('Tells an organisation whether its AI spend is producing anything.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStart(program, run);
  registerDemo(program, run);
  registerInit(program, run);
  registerOrg(program, run);
  registerIngest(program, run);
  registerPrices(program, run);
  registerReport(program, run);
  registerMetrics(program, run);
  registerQuery(program, run);
  registerWhatIf(program, run);
  registerReconcile(program, run);
  registerExport(program, run);
  registerSync(program, run);
  registerAlerts(program, run);
  registerExperiment(program, run);
  registerSeats(program, run);
  registerServe(program, run);
  registerTokens(program, run);
  registerKeys(program, run);
  registerGateway(program, run);
  registerStore(program, run);
  registerAudit(program, run);
  return program;
}
