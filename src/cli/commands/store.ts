import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { formatUsd, usd } from '../../domain/money.js';
import type { CopyProgress, CopySummary, CopyTarget } from '../../store/copy/copy-facts.js';
import type { Db } from '../../store/db.js';
import { isSharedStore, openStore, resolveDbPath } from '../../store/open.js';
import { ownedByServer } from '../remote.js';
import { globalOptions, type Run } from '../run.js';
import { readServerLock } from '../server-lock.js';
import type { Progress, Terminal } from '../terminal.js';

interface MigrateOptions {
  db?: string;
  to?: string;
  from?: string;
  json?: boolean;
}

/**
 * `mileage store migrate --to clickhouse://…` copies the embedded store (--db/--store, default
 * ./.mileage/mileage.duckdb) to ClickHouse; `--from clickhouse://…` copies a ClickHouse store back into a new
 * embedded file. Progress on stderr; a summary (or `--json`) on stdout; exit 1 unless the totals per stream and
 * month match on both sides.
 */
export function registerStore(program: Command, run: Run): void {
  const store = program.command('store').description('Manage the store: copy it to ClickHouse and back');
  globalOptions(store.command('migrate'))
    .description('Copy every fact of a store to another (embedded ⇄ ClickHouse), then verify the totals')
    .option(
      '--to <location>',
      'copy the store (--db/--store) to this one, e.g. clickhouse://user@host:8123/db',
    )
    .option('--from <location>', 'copy this store (e.g. clickhouse://…) into the store (--db/--store)')
    .action((opts: MigrateOptions) =>
      run(async (term) => {
        if ((opts.to === undefined) === (opts.from === undefined)) {
          throw new MileageError(
            'usage',
            'store migrate needs exactly one of --to <location> or --from <location>',
            'mileage store migrate --to clickhouse://user@host:8123/db (password in MILEAGE_CLICKHOUSE_PASSWORD)',
          );
        }
        const here = resolveDbPath(opts.db, process.env, process.cwd());
        const [fromLocation, toLocation] = opts.to !== undefined ? [here, opts.to] : [opts.from ?? '', here];
        const target = resolveDbPath(toLocation, process.env, process.cwd());
        const source = resolveDbPath(fromLocation, process.env, process.cwd());
        if (source === target)
          throw new MileageError('usage', `--from and --to are the same store (${source})`);
        for (const location of [source, target]) {
          const lock = isSharedStore(location) ? null : readServerLock(location);
          if (lock && lock.pid !== process.pid) throw ownedByServer(lock, location);
        }
        const from = await openStore(source, { deferLedger: true });
        let to: Db | null = null;
        let copyTarget: (CopyTarget & { dispose?: () => void }) | null = null;
        try {
          to = await openStore(target, { deferLedger: true });
          copyTarget = await targetOf(to);
          term.log(`Copying ${from.location} → ${to.location}…`);
          const { copyFacts } = await import('../../store/copy/copy-facts.js');
          const summary = await copyFacts(from, copyTarget, progressOn(term));
          if (opts.json) term.out(JSON.stringify(summary, null, 2));
          else term.out(render(summary));
          if (!summary.check.ok) {
            throw new MileageError(
              'internal',
              `the copy's totals differ from the source's in ${summary.check.differences.length} stream-months`,
              'Nothing was removed from the source. Report this with the summary above (--json lists the cells).',
            );
          }
        } finally {
          copyTarget?.dispose?.();
          await to?.close();
          await from.close();
        }
      }),
    );
}

async function targetOf(db: Db): Promise<CopyTarget & { dispose?: () => void }> {
  if (db.dialect === 'clickhouse') {
    const { ClickHouseDb } = await import('../../store/clickhouse/clickhouse-db.js');
    if (db instanceof ClickHouseDb)
      return {
        db,
        insertRows: (t, rows) => db.insertRows(t, rows),
        replaceRows: (t, rows) => db.replaceRows(t, rows),
      };
  }
  const { duckdbTarget } = await import('../../store/copy/duckdb-target.js');
  return duckdbTarget(db);
}

function progressOn(term: Terminal): (p: CopyProgress) => void {
  let bar: { table: string; progress: Progress } | null = null;
  return (p) => {
    if (bar?.table !== p.table) {
      bar?.progress.done();
      bar = { table: p.table, progress: term.progress(`${p.table}`, p.total) };
      term.log(`${p.table}: ${p.total.toLocaleString('en-US')} rows`);
    }
    bar.progress.update(p.copied, p.total);
    if (p.copied === p.total) bar.progress.done();
  };
}

function render(s: CopySummary): string {
  const lines = [
    `Copied ${s.from} → ${s.to} in ${s.seconds} s:`,
    ...s.tables.map((t) => `  ${t.name}: ${t.rows.toLocaleString('en-US')} rows`),
    `  meta: ${s.meta} values`,
  ];
  for (const t of s.notCopied) lines.push(`  not copied: ${t.name} (${t.rows} rows): ${t.why}`);
  lines.push(
    s.check.ok
      ? `Verified: ${s.check.cells} stream-months identical (${s.check.records.toLocaleString('en-US')} usage records, ${formatUsd(usd(s.check.cost))}).`
      : `NOT verified: ${s.check.differences.length} stream-months differ: ${s.check.differences.map((d) => d.cell).join(', ')}`,
  );
  return lines.join('\n');
}
