import { Option, type Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { usd } from '../../domain/money.js';
import type { BillingDimensions } from '../../domain/usage.js';
import { nearestIds } from '../../pricing/edit-distance.js';
import { explainDay, type DayExplanation, type GroupExplanation } from '../../pricing/explain-day.js';
import {
  explainRecord,
  type ExplainInput,
  type ExplainLine,
  type RecordExplanation,
} from '../../pricing/explain.js';
import type { PriceBook } from '../../pricing/price-book.js';
import type { Db, StoredServed, StoredUsage } from '../../store/db.js';
import { openContext, type GlobalOptions } from '../context.js';
import { priceBookFor } from '../pricing.js';
import { dayOption, globalOptions, type Run } from '../run.js';
import type { Terminal } from '../terminal.js';

/** More records than this in one model-day are narrowed with --source or --provider rather than read at once. */
const MAX_DAY_RECORDS = 200_000;

interface ExplainOptions extends GlobalOptions {
  model?: string;
  day?: string;
  source?: string;
  provider?: string;
}

export function registerPricesExplain(prices: Command, run: Run): void {
  globalOptions(
    prices
      .command('explain')
      .argument(
        '[record]',
        'a usage record id (the ids of a model-day’s largest records are listed by --model/--day)',
      ),
  )
    .description(
      'Why a cost is what it is: each billed dimension of a record or a model-day, its quantity, unit price, where the price came from and the arithmetic',
    )
    .addOption(new Option('--model <model>', 'explain a model-day: the model (with --day)'))
    .addOption(new Option('--day <day>', 'explain a model-day: the org-local day, YYYY-MM-DD (with --model)'))
    .addOption(new Option('--source <source>', 'only the records of this source (claude-code-logs, …)'))
    .addOption(new Option('--provider <provider>', 'only the records of this provider'))
    .action((record: string | undefined, opts: ExplainOptions) =>
      run(async (term) => {
        const select = selection(record, opts);
        const ctx = await openContext(opts);
        try {
          const book = priceBookFor(ctx.directory);
          if ('id' in select) {
            const { explained, served } = await explainById(ctx.db, book, select.id);
            if (opts.json) term.out(JSON.stringify(served ? { ...explained, served } : explained, null, 2));
            else {
              renderRecord(term, explained);
              if (served) term.out(servedLine(served));
            }
          } else {
            const explained = await explainModelDay(ctx.db, book, select);
            if (opts.json) term.out(JSON.stringify(explained, null, 2));
            else renderDay(term, explained);
          }
        } finally {
          await ctx.db.close();
        }
      }),
    );
}

type Selection = { id: string } | { model: string; day: string; source?: string; provider?: string };

function selection(record: string | undefined, opts: ExplainOptions): Selection {
  if (record !== undefined) {
    if (opts.model !== undefined || opts.day !== undefined)
      throw new MileageError('usage', 'give either a record id or --model with --day, not both');
    return { id: record };
  }
  if (opts.model === undefined || opts.day === undefined)
    throw new MileageError(
      'usage',
      'prices explain needs a record id, or --model and --day',
      'e.g. `mileage prices explain --model claude-sonnet-4-6 --day 2026-07-02`, then one of the record ids it lists',
    );
  return {
    model: opts.model,
    day: dayOption(opts.day, '--day'),
    ...(opts.source !== undefined ? { source: opts.source } : {}),
    ...(opts.provider !== undefined ? { provider: opts.provider } : {}),
  };
}

/** A stored row in the shape the explanation reads; a NULL dimension counts as none and is listed as unknown. */
export function explainInputOf(u: StoredUsage): ExplainInput {
  const billing: BillingDimensions = {};
  if (u.serviceTier !== null) billing.serviceTier = u.serviceTier;
  if (u.batch !== null) billing.batch = u.batch;
  if (u.contextTier === 'base' || u.contextTier === 'long') billing.contextTier = u.contextTier;
  if (u.geo !== null) billing.geo = u.geo;
  if (u.speed === 'standard' || u.speed === 'fast') billing.speed = u.speed;
  return {
    id: u.id,
    source: u.source,
    granularity: u.granularity,
    start: new Date(u.start),
    day: u.day,
    provider: u.provider,
    model: u.model,
    requests: u.requests,
    tokens: {
      input: u.input,
      cacheRead: u.cacheRead,
      cacheWrite: u.cacheWrite,
      output: u.output,
      reasoning: u.reasoning,
      cacheWrite1h: u.cacheWrite1h ?? 0,
      audioInput: u.audioInput ?? 0,
      audioOutput: u.audioOutput ?? 0,
    },
    serverTools: {
      webSearch: u.webSearch ?? 0,
      webFetch: u.webFetch ?? 0,
      codeExecution: u.codeExecution ?? 0,
    },
    billing,
    unknown: u.unknown,
    basis: u.basis,
    cost: u.cost === null ? null : usd(u.cost),
    estimate: u.estCost === null ? null : usd(u.estCost),
    priceRef: u.priceRef,
  };
}

async function explainById(
  db: Db,
  book: PriceBook,
  id: string,
): Promise<{ explained: RecordExplanation; served: StoredServed | null }> {
  const [row] = await db.findUsage({ id }, 1);
  if (!row)
    throw new MileageError(
      'not_found',
      `no usage record with id "${id}" in ${db.location}`,
      'Record ids are listed by `mileage prices explain --model <model> --day <day>` (its largest records) and in `--json` output.',
    );
  return { explained: explainRecord(book, explainInputOf(row)), served: row.served };
}

/** A gateway request's operational facts, one line under its price. */
export function servedLine(s: StoredServed): string {
  const parts = [
    `status ${s.status}`,
    s.latencyMs === null ? null : `latency ${s.latencyMs} ms`,
    s.ttftMs === null ? null : `first token ${s.ttftMs} ms`,
    s.clientAborted ? 'client went away (metered to the end)' : null,
    s.sessionId ? `session ${s.sessionId}` : null,
    s.branch ? `branch ${s.branch}` : null,
    s.workflow ? `workflow ${s.workflow}` : null,
  ];
  return `served: ${parts.filter((p) => p !== null).join(', ')}`;
}

async function explainModelDay(
  db: Db,
  book: PriceBook,
  select: { model: string; day: string; source?: string; provider?: string },
): Promise<DayExplanation> {
  const rows = await db.findUsage(select, MAX_DAY_RECORDS + 1);
  if (rows.length > MAX_DAY_RECORDS)
    throw new MileageError(
      'usage',
      `${select.model} on ${select.day} has more than ${MAX_DAY_RECORDS.toLocaleString('en-US')} records`,
      'Narrow it with --source or --provider.',
    );
  if (rows.length === 0) throw await nothingFound(db, select);
  const model = rows[0]?.model ?? select.model;
  return explainDay(
    model,
    select.day,
    rows.map((r) => explainRecord(book, explainInputOf(r))),
  );
}

/** Why a model-day has no records: an unknown model (with the nearest names), or a day it was not used. */
async function nothingFound(
  db: Db,
  select: { model: string; day: string; source?: string; provider?: string },
): Promise<MileageError> {
  const models = await db.usageModels();
  const same = models.filter((m) => m.model.toLowerCase() === select.model.toLowerCase());
  if (same.length === 0) {
    const nearest = nearestIds(select.model, [...new Set(models.map((m) => m.model))]);
    return new MileageError(
      'not_found',
      `no usage of model "${select.model}" in the store`,
      nearest.length > 0
        ? `Models in the store with similar names: ${nearest.join(', ')}.`
        : models.length === 0
          ? 'The store holds no usage yet: ingest some first (`mileage ingest --help`).'
          : `Models in the store: ${models
              .slice(0, 10)
              .map((m) => m.model)
              .join(', ')}${models.length > 10 ? ', …' : ''}.`,
    );
  }
  const first = same.map((m) => m.firstDay).sort()[0];
  const last = same
    .map((m) => m.lastDay)
    .sort()
    .at(-1);
  const narrowed = [
    select.source && `source ${select.source}`,
    select.provider && `provider ${select.provider}`,
  ]
    .filter(Boolean)
    .join(' and ');
  return new MileageError(
    'not_found',
    `no usage of ${select.model} on ${select.day}${narrowed ? ` from ${narrowed}` : ''}`,
    `${select.model} has records from ${first} to ${last} (org-local days).`,
  );
}

const money = (v: string | null) => (v === null ? 'unpriced' : `$${v}`);

function lineText(l: ExplainLine, tableSource: string | null): string {
  const qty =
    l.unit === 'value' ? String(l.quantity) : `${Number(l.quantity).toLocaleString('en-US')} ${l.unit}`;
  const price =
    l.unitPrice === null
      ? ''
      : l.per === 'factor'
        ? ` × ${l.unitPrice}`
        : ` × $${l.unitPrice} per ${l.per === 'Mtok' ? 'million' : '1,000'}`;
  const amount = l.amount === null ? '' : ` = $${l.amount}`;
  // The price table is named once above the lines; a line says where its price came from only when it differs.
  const why = l.status === 'priced' && l.source === tableSource ? '' : `  (${l.status}: ${l.source})`;
  return `  ${l.dimension.padEnd(15)} ${qty}${price}${amount}${why}`;
}

function renderLines(term: Terminal, lines: readonly ExplainLine[], tableSource: string | null): void {
  for (const l of lines) {
    // Dimensions the record does not use stay out of the way, unless something about them is worth saying.
    if (l.unit !== 'value' && l.quantity === 0 && l.status !== 'unknown') continue;
    if (l.unit === 'value' && l.status === 'standard' && l.quantity === 'not reported') continue;
    term.out(lineText(l, tableSource));
  }
}

function renderPricing(
  term: Terminal,
  e: Pick<RecordExplanation, 'arithmetic' | 'unpriced' | 'unknown' | 'costSource' | 'costArithmetic'>,
): void {
  if (e.costSource) {
    term.out(`cost from: ${e.costSource}`);
    for (const a of e.costArithmetic) term.out(`  ${a}`);
    term.out('list estimate (what the ledger uses to weigh this record against others):');
  } else term.out('arithmetic:');
  for (const a of e.arithmetic) term.out(`  ${a}`);
  for (const u of e.unknown)
    term.out(
      `not known: ${u} (stored before Mileage kept it; re-ingest this source's history for these days to price it)`,
    );
}

function renderRecord(term: Terminal, e: RecordExplanation): void {
  term.out(`record ${e.id}`);
  term.out(
    `  ${e.source}, ${e.granularity}${e.requests > 1 ? ` of ${e.requests} requests` : ''}, ${e.start} (day ${e.day}), ${e.provider ?? '?'}/${e.model ?? '?'}`,
  );
  term.out(`price: ${e.price ? `${e.price.source} (${e.price.ref})` : 'none'}`);
  renderLines(term, e.lines, e.price?.source ?? null);
  renderPricing(term, e);
  term.out(
    `stored: cost ${money(e.stored.cost)} (${e.stored.basis})${e.stored.basis !== 'list_estimate' ? `, list estimate ${money(e.stored.estimate)}` : ''}`,
  );
  if (e.stale)
    term.out(
      '  the stored estimate differs from today’s prices and mileage.yaml: run `mileage prices apply` to re-price',
    );
}

function renderGroup(term: Terminal, g: GroupExplanation, n: number): void {
  term.out('');
  term.out(
    `group ${n}: ${g.source}, ${g.records.toLocaleString('en-US')} record${g.records === 1 ? '' : 's'}${g.requests > g.records ? ` (${g.requests.toLocaleString('en-US')} requests)` : ''}, basis ${g.basis}`,
  );
  term.out(`price: ${g.price ? `${g.price.source} (${g.price.ref})` : 'none'}`);
  renderLines(term, g.lines, g.price?.source ?? null);
  renderPricing(term, g);
  term.out(
    `  stored: cost ${money(g.stored.cost)}${g.stored.unpricedRecords > 0 ? ` (${g.stored.unpricedRecords} unpriced)` : ''}${g.basis !== 'list_estimate' ? `, list estimate ${money(g.stored.estimate)}` : ''}`,
  );
  if (g.stale > 0)
    term.out(`  ${g.stale} record(s) stored at other prices: run \`mileage prices apply\` to re-price`);
}

function renderDay(term: Terminal, d: DayExplanation): void {
  term.out(`${d.model} on ${d.day}: ${d.records.toLocaleString('en-US')} records`);
  d.groups.forEach((g, i) => renderGroup(term, g, i + 1));
  term.out('');
  term.out(
    `list estimate of the model-day: $${d.listEstimate}${d.unpricedRecords > 0 ? ` (+ ${d.unpricedRecords} unpriced record(s), left out)` : ''}`,
  );
  for (const b of d.storedByBasis)
    term.out(
      `stored ${b.basis}: $${b.cost} over ${b.records} record(s)${b.unpriced > 0 ? `, ${b.unpriced} unpriced` : ''}`,
    );
  if (d.overlap) term.out(`note: ${d.overlap}`);
  term.out('largest records (explain one with `mileage prices explain <id>`):');
  for (const t of d.top) term.out(`  ${t.id}  ${t.source}  ${money(t.cost)}`);
}
