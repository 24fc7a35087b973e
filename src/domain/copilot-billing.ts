import { usd, type Usd } from './money.js';
import type { Cost } from './usage.js';

/**
 * GitHub Copilot bills its own units, not tokens:
 * - GitHub AI Credits (usage-based billing, from June 2026): "1 AI credit = $0.01 USD" (docs.github.com,
 *   Usage-based billing for organizations and enterprises). Copilot CLI reports them in nano AI units
 *   (`totalNanoAiu` in session events, `github.copilot.nano_aiu` on spans): 1e9 nano units = 1 credit.
 *   Checked on a real shutdown event: claude-opus-4.7 with 17 input, 311,321 cache-read, 82,162 cache-write
 *   and 3,546 output tokens reported 75,790,800,000 nano units = $0.757908, which is exactly Anthropic's
 *   list price of those tokens.
 * - premium requests (the legacy request-based plans): a request times the model's multiplier, possibly
 *   fractional (0.33, 40.5), billed beyond the plan's allowance at a rate per request — GitHub's list
 *   $0.04, or the rate the org negotiated (mileage.yaml, `sources.copilot-cli.premium_request_usd`).
 * The seat itself is a seat record (see seat.ts): under a seat, these costs and the token list prices only
 * weigh the usage against each other; the seat's price is what the stream costs.
 */
export interface CopilotUnits {
  /** AI credits in nano units, as reported (whole). */
  nanoAiu?: number | undefined;
  /** Premium requests as reported, a decimal string so that 40.5 stays 40.5. */
  premiumRequests?: string | undefined;
}

export const AI_CREDIT_USD = usd('0.01');
export const NANO_AIU_PER_CREDIT = 1_000_000_000;
/** GitHub's published price of a premium request beyond the allowance. */
export const LIST_PREMIUM_REQUEST_USD = usd('0.04');

/** Where the rate of a premium request came from, for the cost's price reference. */
export interface PremiumRate {
  usd: Usd;
  source: 'github-list' | 'mileage.yaml';
}

export const LIST_PREMIUM_RATE: PremiumRate = { usd: LIST_PREMIUM_REQUEST_USD, source: 'github-list' };

/**
 * The cost of Copilot usage in its own units: AI credits when reported (what usage-based billing charges),
 * else premium requests at the rate; null when the usage carries neither (then token list prices stand).
 */
export function copilotCost(units: CopilotUnits, rate: PremiumRate = LIST_PREMIUM_RATE): Cost | null {
  if (units.nanoAiu !== undefined && units.nanoAiu > 0) {
    const credits = usd(units.nanoAiu).div(NANO_AIU_PER_CREDIT);
    return {
      amount: credits.mul(AI_CREDIT_USD),
      basis: 'provider_reported',
      priceRef: `github-ai-credits:${credits.toString()}@${AI_CREDIT_USD.toString()}`,
    };
  }
  if (units.premiumRequests !== undefined) {
    const requests = usd(units.premiumRequests);
    if (requests.isNegative() || !requests.isFinite()) return null;
    return {
      amount: requests.mul(rate.usd),
      basis: 'provider_reported',
      priceRef: `github-premium-requests:${requests.toString()}@${rate.usd.toString()} (${rate.source})`,
    };
  }
  return null;
}

/** A reported premium-request quantity as an exact decimal string, or undefined when it is not a number. */
export function premiumQuantity(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  // JSON numbers such as 40.5 or 0.33 print back as written; usd() keeps them exact from there on.
  return String(value);
}

/**
 * Copilot's billing units on a span, whichever path carried it (Copilot CLI's file export, the OTLP
 * receiver): `github.copilot.nano_aiu` (AI credits in nano units) and `github.copilot.cost` (the request's
 * premium requests, its model's multiplier: 0.33, 1, 10). Undefined when it carries neither; null (reported)
 * when one is there but is no amount: the request is billed in it, so pricing it at list instead would
 * change what it cost without a word.
 */
export function copilotSpanUnits(
  attribute: (name: string) => unknown,
  report: (name: string, message: string) => void,
): CopilotUnits | undefined | null {
  const read = (name: string): number | undefined | null => {
    const value = attribute(name);
    if (value === undefined || value === null) return undefined;
    const n = amount(value);
    if (n === undefined) {
      report(name, `not an amount >= 0: ${JSON.stringify(value).slice(0, 40)}`);
      return null;
    }
    return n;
  };
  const nano = read('github.copilot.nano_aiu');
  const cost = read('github.copilot.cost');
  if (nano === null || cost === null) return null;
  const premium = premiumQuantity(cost);
  if (nano === undefined && premium === undefined) return undefined;
  return { nanoAiu: nano, premiumRequests: premium };
}

/** A number, or its decimal string (OTLP's 64-bit integers); undefined otherwise. */
function amount(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * A record's cost from its Copilot units at the org's premium-request rate (mileage.yaml), for every ingest
 * path; records without units keep their cost.
 */
export function withPremiumRate<T extends { units?: CopilotUnits | undefined; cost: Cost }>(
  record: T,
  rate: PremiumRate,
): T {
  if (record.units) record.cost = copilotCost(record.units, rate) ?? record.cost;
  return record;
}
