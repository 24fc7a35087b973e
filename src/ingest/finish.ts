import { traceStep } from '../domain/trace.js';
import type { Db } from '../store/db.js';
import { pricingPass, type PriceResolver, type PricingSummary } from './pricing-pass.js';

/** After new records: price what has no price yet, then re-derive the ledger once. */
export async function finishIngest(db: Db, book: PriceResolver): Promise<PricingSummary> {
  let t = performance.now();
  const pricing = await pricingPass(db, book);
  traceStep('pricing', t);
  t = performance.now();
  await db.refreshLedger();
  traceStep('ledger and links', t);
  return pricing;
}
