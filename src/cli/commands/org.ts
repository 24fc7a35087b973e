import type { Command } from 'commander';
import { loadCaptureOptIns } from '../../audit/capture-opt-in.js';
import { MileageError } from '../../domain/errors.js';
import { readDirectory, type GlobalOptions } from '../context.js';
import { governanceRuntime } from '../governance.js';
import { loadExperiments } from '../../governance/experiment-file.js';
import { formatIssue } from '../../org/issue.js';
import type { Run } from '../run.js';

export function registerOrg(program: Command, run: Run): void {
  const org = program.command('org').description('The org directory (mileage.yaml)');
  org
    .command('check')
    .description('Validate mileage.yaml; every problem names its line and field')
    .option('--config <file>', 'org file (default ./mileage.yaml, or $MILEAGE_CONFIG)')
    .option('--json', 'print JSON on stdout')
    .action((opts: GlobalOptions) =>
      run(async (term) => {
        const dir = await readDirectory(opts);
        if (!dir)
          throw new MileageError(
            'not_found',
            'no mileage.yaml here',
            'Create one with `mileage init`, or pass --config.',
          );
        // Budgets and alert rules are validated too (their problems name the line and field the same way).
        const governance = await governanceRuntime(dir);
        // The audit owns the shape of its section; checking it here too means a bad opt-in is caught before
        // the first capture is refused.
        const captureOptIns = dir.file ? await loadCaptureOptIns(dir.file) : [];
        const experiments = dir.file ? await loadExperiments(dir.file) : null;
        if (experiments && !experiments.ok)
          throw new MileageError(
            'config',
            `${dir.file} has ${experiments.error.length} problem${experiments.error.length === 1 ? '' : 's'} in experiments:\n${experiments.error.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
            'Fix the lines above, then run the command again.',
          );
        const experimentIds = experiments?.ok ? experiments.value.map((e) => e.id) : [];
        const summary = {
          file: dir.file,
          org: dir.org,
          timeZone: dir.timeZone,
          teams: dir.teams.length,
          people: dir.people.length,
          aliases: dir.people.reduce((a, p) => a + p.aliases.length, 0),
          keys: dir.keys.length,
          workflows: dir.workflows.length,
          seats: dir.seats.length,
          priceOverrides: dir.priceOverrides.length,
          privacy: dir.privacy,
          sources: dir.sources,
          ...(governance ? { budgets: governance.settings.budgets.length } : {}),
          auditCapture: captureOptIns.map((o) => o.workflow),
          experiments: experimentIds,
        };
        term.out(
          opts.json
            ? JSON.stringify(summary, null, 2)
            : `${dir.file}: valid — ${summary.teams} teams, ${summary.people} people (${summary.aliases} aliases), ${summary.keys} keys, ${summary.workflows} workflows, ${summary.seats} seat plans, ${summary.priceOverrides} price overrides; individuals ${dir.privacy.individuals}, min group ${dir.privacy.minGroupSize}; time zone ${dir.timeZone}${captureOptIns.length ? `; audit capture: ${summary.auditCapture.join(', ')}` : ''}${governance ? `; alerting on, ${governance.settings.budgets.length} budgets` : ''}${experimentIds.length ? `; experiments: ${experimentIds.join(', ')}` : ''}`,
        );
      }),
    );
}
