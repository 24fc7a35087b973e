import type { AnthropicModel, Tokens } from './prices.js';
import type { Rng } from './rng.js';

/**
 * The organisation's three AI workflows: CI review and alert triage call the Anthropic API with their own
 * keys (workspace wrkspc_production, seen only in the Admin API reports), support triage goes through the
 * internal gateway (an hourly usage CSV). Each reports what it produced in the outcomes file.
 */

/** Mean volumes per day when the volume curve is 1 (its mean over the period). */
export const ALERTS_PER_DAY = 600;
export const REVIEWS_PER_WORKDAY = 90;
export const TICKETS_PER_DAY = 220;

/** Weekend activity relative to a working day. */
export const WEEKEND = { alerts: 0.85, reviews: 0.15, tickets: 0.6, engineers: 0.06 * 0.4 } as const;

/** Per unit of work, the mean tokens (the generator draws around these). */
export const PER_ALERT: Tokens = { input: 4200, cacheRead: 1500, cacheWrite: 0, output: 400 };
export const PER_REVIEW: Tokens = { input: 300, cacheRead: 200_000, cacheWrite: 1500, output: 450 };
export const PER_TICKET: Tokens = { input: 1800, cacheRead: 1200, cacheWrite: 0, output: 260 };

export function alertModel(modelFit: boolean): AnthropicModel {
  return modelFit ? 'claude-opus-4-1' : 'claude-haiku-4-5';
}

export function supportModel(unpriced: boolean): { provider: string; model: string } {
  return unpriced
    ? { provider: 'self-hosted', model: 'acme-support-ft-v3' }
    : { provider: 'openai', model: 'gpt-4.1-mini' };
}

/** A day's tokens for n units, each kind drawn within ±10% of its mean. */
export function batchTokens(n: number, per: Tokens, rng: Rng): Tokens {
  const f = () => n * rng.between(0.9, 1.1);
  return {
    input: Math.round(per.input * f()),
    cacheRead: Math.round(per.cacheRead * f()),
    cacheWrite: Math.round(per.cacheWrite * f()),
    output: Math.round(per.output * f()),
  };
}

/** Support tickets follow the day: most arrive during American office hours (UTC 13:00–23:00). */
const HOURLY = [
  0.4, 0.3, 0.25, 0.2, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.1, 1.5, 1.8, 1.9, 1.9, 1.8, 1.7, 1.6, 1.4,
  1.1, 0.8, 0.6,
];
const HOURLY_SUM = HOURLY.reduce((a, x) => a + x, 0);

export const GATEWAY_HEADER =
  'timestamp,tool,provider,model,input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,reasoning_tokens,requests,cost_usd,cost_basis,key_id,user,workflow,session_id,repo,branch,stream';

/** One day of the support bot through the gateway: a CSV row per hour with traffic, and the tickets. */
export function supportDay(
  day: string,
  meanTickets: number,
  model: { provider: string; model: string },
  keyId: string,
  stream: string,
  rng: Rng,
): { rows: string[]; tickets: number; tokens: Tokens } {
  const rows: string[] = [];
  let tickets = 0;
  const total: Tokens = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  HOURLY.forEach((weight, h) => {
    const n = rng.poisson((meanTickets * weight) / HOURLY_SUM);
    if (n === 0) return;
    tickets += n;
    const t = batchTokens(n, PER_TICKET, rng);
    total.input += t.input;
    total.cacheRead += t.cacheRead;
    total.output += t.output;
    const requests = Math.max(n, Math.round(n * rng.between(1.2, 1.6)));
    rows.push(
      `${day}T${String(h).padStart(2, '0')}:00:00Z,support-bot,${model.provider},${model.model},${t.input},${t.cacheRead},0,${t.output},0,${requests},,list_estimate,${keyId},,support-triage,,,,${stream}`,
    );
  });
  return { rows, tickets, tokens: total };
}

export const OUTCOMES_HEADER = 'at,workflow,kind,count,value,actor,ref';

export function outcomeRow(day: string, workflow: string, kind: string, count: number): string {
  return `${day}T23:00:00Z,${workflow},${kind},${count},,,${workflow}-${day}`;
}
