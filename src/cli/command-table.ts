import type { Command } from 'commander';
import { agentTool } from '../ingest/agent-logs/locations.js';
import { baseProgram } from './program-base.js';
import type { Run } from './run.js';

type Register = (program: Command, run: Run) => void;

/**
 * Each top-level command and the module that registers it, loaded only when the command line names it:
 * the whole CLI is some 500 modules, and loading them all cost half a second of CPU before any command ran
 * (`--version`: 0.68 s, 0.14 s now).
 * program.ts registers every command at once, for `--help` and anything this table does not name.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  start: async () => (await import('./commands/start.js')).registerStart,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  init: async () => (await import('./commands/init.js')).registerInit,
  org: async () => (await import('./commands/org.js')).registerOrg,
  ingest: async () => (await import('./commands/ingest.js')).registerIngest,
  'export-logs': async () => (await import('./commands/ingest.js')).registerIngest,
  scan: async () => (await import('./commands/ingest.js')).registerIngest,
  prices: async () => (await import('./commands/prices.js')).registerPrices,
  report: async () => (await import('./commands/report.js')).registerReport,
  metrics: async () => (await import('./commands/metrics.js')).registerMetrics,
  query: async () => (await import('./commands/query.js')).registerQuery,
  whatif: async () => (await import('./commands/whatif.js')).registerWhatIf,
  reconcile: async () => (await import('./commands/reconcile.js')).registerReconcile,
  export: async () => (await import('./commands/export.js')).registerExport,
  sync: async () => (await import('./commands/sync.js')).registerSync,
  alerts: async () => (await import('./commands/alerts.js')).registerAlerts,
  experiment: async () => (await import('./commands/experiment.js')).registerExperiment,
  seats: async () => (await import('./commands/seats.js')).registerSeats,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  tokens: async () => (await import('./commands/tokens.js')).registerTokens,
  keys: async () => (await import('./commands/keys.js')).registerKeys,
  gateway: async () => (await import('./commands/gateway.js')).registerGateway,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  store: async () => (await import('./commands/store.js')).registerStore,
};

/** `ingest <agent>` alone: the agent-log readers without the other sources' connectors. */
async function agentIngestOnly(): Promise<Register> {
  const { registerAgentIngests } = await import('./commands/agent-ingest.js');
  return (program, run) =>
    registerAgentIngests(
      program.command('ingest').description('Load spend and delivery data from files'),
      run,
    );
}

/**
 * The program for one command line (`args` without node and the script): only the named command's
 * registration when the table knows it (its help is the same either way), every command otherwise
 * (`mileage`, `--help`, `help`, a typo, which commander answers from the full list).
 */
export async function programFor(args: readonly string[], run: Run): Promise<Command> {
  const [name, sub] = args;
  const load =
    name === 'ingest' && sub !== undefined && agentTool(sub)
      ? agentIngestOnly
      : name
        ? COMMANDS[name]
        : undefined;
  if (load) {
    const program = baseProgram();
    (await load())(program, run);
    return program;
  }
  if (name === '--version' || name === '-V') return baseProgram();
  return (await import('./program.js')).buildProgram(run);
}
