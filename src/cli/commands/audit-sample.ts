import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { optInFor } from '../../audit/capture-opt-in.js';
import { scanCaptures } from '../../audit/capture-read.js';
import { SampleDraw, toDatasetLine } from '../../audit/capture-sample.js';
import { writeAtomic } from '../../audit/run-dir.js';
import { MileageError } from '../../domain/errors.js';
import { intOption, type Run } from '../run.js';
import type { Terminal } from '../terminal.js';
import {
  captureOptions,
  notOptedIn,
  openCapture,
  plural,
  warnProblems,
  type CaptureOptions,
} from './audit-capture-settings.js';

interface SampleOptions extends CaptureOptions {
  workflow?: string;
  cases?: string;
  seed?: string;
  out?: string;
  tag?: string[];
  reference?: string;
}

const REFERENCES = ['none', 'answer'] as const;

/**
 * `mileage audit sample`: draws a reproducible sample of an opted-in workflow's captured requests into the
 * dataset format `audit run` takes. The dataset is content, like the captures: it is written where --out says
 * and nowhere else, and the command prints counts only.
 */
export function registerAuditSample(audit: Command, run: Run): void {
  captureOptions(
    audit
      .command('sample')
      .description("Draw a dataset for `audit run` from an opted-in workflow's captured requests")
      .option('--workflow <id>', 'the workflow whose captures are sampled (it must opt in)')
      .option('--cases <n>', 'how many cases to draw')
      .option(
        '--seed <seed>',
        'the same seed over the same captures draws the same cases (default: random, printed)',
      )
      .option('--out <file>', 'the dataset file to write (JSONL)')
      .option('--tag <tag>', 'a tag added to every case (repeat)', (v: string, p: string[] = []) => [...p, v])
      .option(
        '--reference <from>',
        `${REFERENCES.join(' | ')}: "answer" makes the incumbent's captured answer each case's reference`,
        'none',
      ),
  ).action((opts: SampleOptions) => run((term) => sample(opts, term)));
}

async function sample(opts: SampleOptions, term: Terminal): Promise<void> {
  if (!opts.workflow || !opts.cases || !opts.out)
    throw new MileageError('usage', 'give --workflow ID, --cases N and --out FILE');
  const reference = opts.reference ?? 'none';
  if (!(REFERENCES as readonly string[]).includes(reference))
    throw new MileageError(
      'usage',
      `--reference expects one of ${REFERENCES.join(', ')}, got "${reference}"`,
    );
  const k = intOption(opts.cases, '--cases', 1, 1_000_000);
  const seed = opts.seed ?? randomBytes(4).toString('hex');
  const { settings } = await openCapture(opts, term);
  if (!optInFor(settings.optIns, opts.workflow)) throw notOptedIn(opts.workflow, settings);

  const draw = new SampleDraw(k, seed);
  const captured = await scanCaptures(settings.root, opts.workflow, (c) => draw.offer(c));
  warnProblems(term, captured.problems);
  if (captured.duplicates > 0)
    term.log(`${plural(captured.duplicates, 'record')} captured twice (same case id) read once.`);
  if (captured.read === 0)
    throw new MileageError(
      'input',
      `no captured request of ${opts.workflow} in ${settings.root}${captured.problems.length ? ` (${plural(captured.problems.length, 'bad line')})` : ''}`,
      'Captures come from the attribution gateway or `mileage audit capture add` (docs/audits.md, "Capture").',
    );
  if (captured.read < k)
    term.warn(
      `only ${plural(captured.read, 'captured case')} of ${opts.workflow}: the sample is all of them`,
    );
  const drawn = draw.cases();
  const lineOptions = { tags: opts.tag ?? [], referenceFromAnswer: reference === 'answer' };
  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  writeAtomic(out, drawn.map((c) => `${toDatasetLine(c, lineOptions)}\n`).join(''));

  const models = new Map<string, number>();
  for (const c of drawn) models.set(c.record.model, (models.get(c.record.model) ?? 0) + 1);
  const incumbent = [...models].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'MODEL';
  const summary = {
    workflow: opts.workflow,
    seed,
    cases: drawn.length,
    captured: captured.read,
    days: captured.days,
    badLines: captured.problems.length,
    duplicates: captured.duplicates,
    models: Object.fromEntries(models),
    out,
  };
  term.out(
    opts.json
      ? JSON.stringify({ ...summary, problems: captured.problems }, null, 2)
      : [
          `Sampled ${drawn.length} of ${plural(captured.read, 'captured case')} of ${opts.workflow} (${captured.days[0]}..${captured.days.at(-1)}) with seed ${seed} into ${out}.`,
          `Answered by ${[...models].map(([m, n]) => `${m} (${n})`).join(', ')}.`,
          `Audit it: mileage audit run --workflow ${opts.workflow} --dataset ${opts.out} --incumbent ${incumbent} --candidate MODEL`,
        ].join('\n'),
  );
}
