import { Option, type Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { dayOf } from '../../domain/time.js';
import { experimentResult } from '../../governance/experiment-result.js';
import { experimentsInForce, mayRead } from '../../governance/experiments.js';
import { formatIssue } from '../../org/issue.js';
import {
  experimentDefinitionJson,
  experimentResultJson,
  renderExperimentHtml,
  renderExperimentJson,
  renderExperimentMarkdown,
  type ExperimentReport,
} from '../../report/experiment.js';
import { table } from '../../report/terminal.js';
import { asOption, audienceName, noteAudience, outputAudience, stdoutDestination } from '../audience.js';
import { openContext, type CommandContext, type GlobalOptions } from '../context.js';
import { apiGet, runningServer } from '../remote.js';
import { dayOption, globalOptions, type Run } from '../run.js';
import type { Terminal } from '../terminal.js';

type ListOptions = GlobalOptions;
type ReportOptions = GlobalOptions & { format: string; as?: string; asOf?: string };
type Definition = ReturnType<typeof experimentDefinitionJson>;

const FORMATS = ['markdown', 'html', 'json'] as const;

async function inForce(ctx: CommandContext, term: Terminal) {
  const found = await experimentsInForce(ctx.db, ctx.directory?.file ?? null);
  if (!found.ok)
    throw new MileageError(
      'config',
      `the org file's experiments have ${found.error.length} problem${found.error.length === 1 ? '' : 's'}:\n${found.error.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
      'Fix the lines above (`mileage org check` validates the file alone).',
    );
  for (const p of found.value.problems) term.warn(p);
  return found.value.experiments;
}

function printList(term: Terminal, list: Definition[], json: boolean | undefined): void {
  if (json) {
    term.out(JSON.stringify({ experiments: list }, null, 2));
    return;
  }
  if (list.length === 0) {
    term.log('No experiments: write one under experiments: in mileage.yaml (see docs/experiments.md).');
    return;
  }
  term.out(
    table(
      ['id', 'title', 'treatment', 'control', 'baseline', 'test', 'metrics', 'from'],
      list.map((e) => [
        e.id,
        e.title,
        e.treatment.join(', '),
        e.control.join(', '),
        `${e.baseline.since}…${e.baseline.until}`,
        `${e.test.since}…${e.test.until}`,
        String(e.metrics.length),
        e.origin,
      ]),
      new Set([6]),
    ),
  );
}

/** `mileage experiment list|report`: the experiments in force and the report a leader brings to the CFO. */
export function registerExperiment(program: Command, run: Run): void {
  const experiment = program
    .command('experiment')
    .description('Experiments with a written success definition: treatment against control, verdicts');

  globalOptions(
    experiment
      .command('list')
      .description('The experiments of mileage.yaml and those written through the API'),
  ).action((opts: ListOptions) =>
    run(async (term) => {
      const server = runningServer(opts);
      if (server) {
        const body = (await apiGet(server, 'experiments', {})) as { experiments: Definition[] };
        printList(term, body.experiments, opts.json);
        return;
      }
      const ctx = await openContext(opts);
      try {
        printList(term, (await inForce(ctx, term)).map(experimentDefinitionJson), opts.json);
      } finally {
        await ctx.db.close();
      }
    }),
  );

  asOption(
    globalOptions(
      experiment
        .command('report')
        .description(
          "An experiment's result: verdict per metric and overall, sprint by sprint, AI spend beside it",
        )
        .argument('<id>', 'the experiment id')
        .addOption(new Option('--format <format>', 'markdown | html | json').default('markdown'))
        .option('--as-of <day>', 'judge as of this day (default today in the org time zone)'),
    ),
  ).action((id: string, opts: ReportOptions) =>
    run(async (term) => {
      const format = opts.json ? 'json' : opts.format;
      if (!(FORMATS as readonly string[]).includes(format))
        throw new MileageError('usage', `--format expects markdown, html or json, got "${format}"`);
      const destination = stdoutDestination(term, true);
      const audience = outputAudience(opts.as, destination);
      const asOf = opts.asOf ? dayOption(opts.asOf, '--as-of') : undefined;
      let report: ExperimentReport;
      const server = runningServer(opts);
      if (server) {
        report = (await apiGet(server, `experiments/${encodeURIComponent(id)}`, {
          ...(audience.role === 'owner' ? {} : { audience: audienceName(audience) }),
          ...(asOf ? { as_of: asOf } : {}),
        })) as ExperimentReport;
      } else {
        const ctx = await openContext(opts);
        try {
          const list = await inForce(ctx, term);
          const e = list.find((x) => x.id === id);
          if (!e)
            throw new MileageError(
              'not_found',
              `no experiment "${id}"`,
              list.length
                ? `Experiments: ${list.map((x) => x.id).join(', ')}`
                : 'mileage.yaml has no experiments: section.',
            );
          if (!mayRead(e, audience))
            throw new MileageError(
              'usage',
              `experiment ${id} covers teams outside ${audienceName(audience)}`,
            );
          noteAudience(term, audience, ctx.privacy, destination);
          const result = await experimentResult(e, {
            db: ctx.db,
            privacy: ctx.privacy,
            viewer: audience,
            today: asOf ?? dayOf(new Date(), ctx.timeZone),
          });
          report = experimentResultJson(result);
        } finally {
          await ctx.db.close();
        }
      }
      term.out(
        format === 'json'
          ? renderExperimentJson(report)
          : format === 'html'
            ? renderExperimentHtml(report)
            : renderExperimentMarkdown(report),
      );
    }),
  );
}
