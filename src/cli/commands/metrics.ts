import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { CATALOG, findMetric } from '../../metrics/catalog.js';
import { table } from '../../report/terminal.js';
import type { Run } from '../run.js';

export function registerMetrics(program: Command, run: Run): void {
  const metrics = program.command('metrics').description('The metric catalog: what every number means');
  metrics
    .command('list')
    .description('List every metric with the question it answers')
    .option('--json', 'print JSON on stdout')
    .action((opts: { json?: boolean }) =>
      run(async (term) => {
        term.out(
          opts.json
            ? JSON.stringify(CATALOG, null, 2)
            : table(
                ['id', 'question'],
                CATALOG.map((m) => [m.id, m.question]),
                new Set(),
              ),
        );
        await Promise.resolve();
      }),
    );
  metrics
    .command('show')
    .argument('<id>', 'metric id, e.g. effectiveness.cost_per_merged_pr')
    .description('Explain one metric: question, formula, unit, direction, caveats, minimum sample')
    .option('--json', 'print JSON on stdout')
    .action((id: string, opts: { json?: boolean }) =>
      run(async (term) => {
        const m = findMetric(id);
        if (!m) {
          throw new MileageError('usage', `no metric "${id}"`, 'Run `mileage metrics list` for the ids.');
        }
        term.out(
          opts.json
            ? JSON.stringify(m, null, 2)
            : [
                `${m.id} — ${m.title}`,
                `question:   ${m.question}`,
                `formula:    ${m.formula}`,
                `unit:       ${m.unit}`,
                `direction:  ${m.direction.replaceAll('_', ' ')}`,
                `min sample: ${m.minSample}`,
                ...m.caveats.map((c, i) => `${i === 0 ? 'caveats:    ' : '            '}${c}`),
              ].join('\n'),
        );
        await Promise.resolve();
      }),
    );
}
