import type { Command } from 'commander';
import { formatUsd, usd } from '../../domain/money.js';
import { seatReport, type SeatReport } from '../../metrics/seat-list.js';
import { table } from '../../report/terminal.js';
import { asOption, noteAudience, stdoutDestination, wholeStoreAudience } from '../audience.js';
import { openContext, type GlobalOptions } from '../context.js';
import { dayOption, globalOptions, type Run } from '../run.js';

function render(r: SeatReport, idleOnly: boolean): string {
  const rows = r.seats.filter((s) => !idleOnly || s.idle);
  const out: string[] = [];
  out.push(
    table(
      ['tool', 'plan', 'holder', 'team', '$/month', 'cycle spend', 'last used', 'idle', 'from'],
      rows.map((s) => [
        s.tool,
        s.plan ?? '',
        s.holder ?? '(not in mileage.yaml)',
        s.team ?? '',
        s.monthlyPrice === null ? 'unpriced' : formatUsd(usd(s.monthlyPrice)),
        s.cycleSpend === null ? '' : formatUsd(usd(s.cycleSpend)),
        s.lastActive ?? 'never',
        s.idle ? 'idle' : '',
        s.source,
      ]),
      new Set([4, 5]),
    ),
  );
  if (r.hiddenSeats > 0)
    out.push(`${r.hiddenSeats} seat(s) of people privacy does not name are in the totals only.`);
  out.push('');
  out.push(
    table(
      ['tool', 'seats', `idle ${r.idleDays}d`, 'idle $/month', 'idle unpriced', '28d active (vendor)'],
      r.totals.map((t) => [
        t.tool,
        String(t.seats),
        String(t.idle),
        formatUsd(usd(t.idleMonthlyCost)),
        String(t.idleUnpriced),
        t.activeUsers28d === null ? '' : String(t.activeUsers28d),
      ]),
      new Set([1, 2, 3, 4, 5]),
    ),
  );
  return out.join('\n');
}

export function registerSeats(program: Command, run: Run): void {
  asOption(globalOptions(program.command('seats')))
    .option('--idle', 'list only idle seats')
    .description(
      'Seats held (vendor seat lists and mileage.yaml), when each was last used, and idle seats with their monthly cost',
    )
    .action((opts: GlobalOptions & { idle?: boolean; as?: string }) =>
      run(async (term) => {
        const asOf = opts.until ? dayOption(opts.until, '--until') : new Date().toISOString().slice(0, 10);
        const destination = stdoutDestination(term);
        const audience = wholeStoreAudience(opts.as, destination, 'seats');
        const ctx = await openContext(opts);
        try {
          noteAudience(term, audience, ctx.privacy, destination);
          const report = await seatReport({ db: ctx.db, privacy: ctx.privacy, viewer: audience }, asOf);
          if (opts.json) {
            term.out(
              JSON.stringify(
                opts.idle ? { ...report, seats: report.seats.filter((s) => s.idle) } : report,
                null,
                2,
              ),
            );
          } else {
            term.out(render(report, opts.idle === true));
          }
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
