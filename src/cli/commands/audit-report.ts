import type { Command } from 'commander';
import { markdownToHtml } from '../../audit/render-html.js';
import { renderMarkdown } from '../../audit/render-markdown.js';
import { listAudits, storedResult } from '../../audit/stored-runs.js';
import { MileageError } from '../../domain/errors.js';
import { openContext, type GlobalOptions } from '../context.js';
import type { Run } from '../run.js';

const FORMATS = ['markdown', 'html', 'json'] as const;

/** `mileage audit report RUN` and `mileage audit list`: stored audits, read from the store. */
export function registerAuditReport(audit: Command, run: Run): void {
  audit
    .command('report <run>')
    .description('The one-page answer for a stored audit run: verdicts, statistics, cost, failing cases')
    .option('--format <format>', `${FORMATS.join(', ')} (default markdown)`, 'markdown')
    .option('--db <path>', 'store file (default ./.mileage/mileage.duckdb, or $MILEAGE_DB)')
    .option('--config <file>', 'org file (default ./mileage.yaml, or $MILEAGE_CONFIG)')
    .action((id: string, opts: GlobalOptions & { format: string }) =>
      run(async (term) => {
        if (!(FORMATS as readonly string[]).includes(opts.format))
          throw new MileageError(
            'usage',
            `--format expects one of ${FORMATS.join(', ')}, got "${opts.format}"`,
          );
        const ctx = await openContext(opts);
        try {
          const stored = await storedResult(ctx.db, id);
          if (!stored)
            throw new MileageError(
              'not_found',
              `no stored audit run "${id}"`,
              'List them with `mileage audit list`.',
            );
          const header = { runId: id, workflow: stored.audit.workflow, finishedAt: stored.audit.finishedAt };
          if (opts.format === 'json')
            term.out(JSON.stringify({ run: id, ...header, ...stored.result }, null, 2));
          else {
            const md = renderMarkdown(stored.result, header);
            term.out(
              opts.format === 'html' ? markdownToHtml(md, `Model audit: ${stored.audit.workflow}`) : md,
            );
          }
        } finally {
          await ctx.db.close();
        }
      }),
    );
  audit
    .command('list')
    .description('Stored audit runs, newest first, with each candidate’s verdict')
    .option('--workflow <id>', 'only this workflow')
    .option('--db <path>', 'store file (default ./.mileage/mileage.duckdb, or $MILEAGE_DB)')
    .option('--config <file>', 'org file (default ./mileage.yaml, or $MILEAGE_CONFIG)')
    .option('--json', 'print JSON on stdout')
    .action((opts: GlobalOptions & { workflow?: string }) =>
      run(async (term) => {
        const ctx = await openContext(opts);
        try {
          const audits = await listAudits(ctx.db, opts.workflow ?? null);
          if (opts.json) term.out(JSON.stringify(audits, null, 2));
          else if (audits.length === 0) term.out('No audit run stored yet: `mileage audit run` records one.');
          else
            term.out(
              audits
                .map(
                  (a) =>
                    `${a.id}  ${a.finishedAt.slice(0, 10)}  ${a.workflow} (bar v${a.barVersion}, ${a.cases} cases, incumbent ${a.incumbent}): ` +
                    a.verdicts.map((v) => `${v.candidate} ${v.verdict}`).join(', '),
                )
                .join('\n'),
            );
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
