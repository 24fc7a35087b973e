import { traceStep } from '../domain/trace.js';
import type { Db } from '../store/db.js';
import { pricingPass, type PriceResolver, type PricingSummary } from './pricing-pass.js';

/**
 * After new records: price what has no price yet, then re-derive the ledger once — or, with `deferLedger`
 * (a one-shot ingest that reads nothing after), mark it stale for the next command that opens the store.
 */
export async function finishIngest(
  db: Db,
  book: PriceResolver,
  options: { deferLedger?: boolean } = {},
): Promise<PricingSummary> {
  let t = performance.now();
  const pricing = await pricingPass(db, book);
  traceStep('pricing', t);
  t = performance.now();
  if (options.deferLedger) await db.deferLedgerRefresh();
  else await db.refreshLedger();
  traceStep(options.deferLedger ? 'ledger marked stale' : 'ledger and links', t);
  return pricing;
}
