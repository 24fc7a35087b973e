import type { KeyEntry } from '../gateway/key-spec.js';
import { servedRecord } from '../gateway/record.js';
import type { AnthropicModel, Tokens } from './prices.js';
import type { Rng } from './rng.js';

/**
 * The organisation's three AI workflows: CI review and alert triage call the Anthropic API with their own
 * keys (workspace wrkspc_production, seen only in the Admin API reports), support triage goes through
 * Mileage's gateway with a key issued for its workflow (the gateway's request records). Each reports what it
 * produced in the outcomes file.
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

/** The support bot's model: a fine-tune hosted on Azure OpenAI (no price list knows it), or gpt-4.1-mini. */
export function supportModel(unpriced: boolean): { provider: 'azure' | 'openai'; model: string } {
  return unpriced
    ? { provider: 'azure', model: 'acme-support-ft-v3' }
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

/** The support bot's virtual key, as Mileage's gateway issued it (mileage.yaml names it too). */
export const SUPPORT_KEY: KeyEntry = {
  id: 'gw-support-triage',
  hash: '',
  team: 'data',
  person: null,
  workflow: 'support-triage',
  workloadType: 'triage',
  models: null,
  expiresAt: null,
  sandbox: false,
  budgetUsd: null,
  alertAt: null,
  capUsd: null,
};

/** Whole tokens of a batch shared over `n` requests: the first ones take the remainder, the total is kept. */
function share(total: number, n: number, i: number): number {
  return Math.floor(total / n) + (i < total % n ? 1 : 0);
}

/**
 * One day of the support bot through Mileage's gateway: per hour with traffic, its requests as the gateway
 * records them (one record a request, in the spool's JSON form), and the tickets. The draws are the same as
 * when the bot's traffic was an hourly CSV, so every other part of the demo stays as it was; the split of an
 * hour's tokens over its requests and their timings are arithmetic, not draws.
 */
export function supportDay(
  day: string,
  meanTickets: number,
  model: { provider: 'azure' | 'openai'; model: string },
  stream: string,
  rng: Rng,
): { lines: string[]; tickets: number; tokens: Tokens } {
  const lines: string[] = [];
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
    const hourMs = Date.parse(`${day}T${String(h).padStart(2, '0')}:00:00Z`);
    for (let i = 0; i < requests; i++) {
      const start = new Date(hourMs + Math.floor((i * 3_600_000) / requests));
      const ttftMs = 180 + ((i * 53 + h * 17) % 240);
      const latencyMs = ttftMs + 400 + ((i * 137 + h * 29) % 900);
      const record = servedRecord({
        requestId: `demo-${day}-${String(h).padStart(2, '0')}-${i}`,
        provider: model.provider,
        stream,
        requestedModel: model.model,
        metered: {
          model: model.model,
          responseId: null,
          usage: {
            tokens: {
              input: share(t.input, requests, i),
              cacheRead: share(t.cacheRead, requests, i),
              cacheWrite: 0,
              output: share(t.output, requests, i),
              reasoning: 0,
            },
          },
        },
        key: SUPPORT_KEY,
        tags: {},
        start,
        end: new Date(start.getTime() + latencyMs),
        status: 200,
        ttftMs,
        clientAborted: false,
        upstreamRequestId: null,
      });
      lines.push(JSON.stringify(record));
    }
  });
  return { lines, tickets, tokens: total };
}

export const OUTCOMES_HEADER = 'at,workflow,kind,count,value,actor,ref';

export function outcomeRow(day: string, workflow: string, kind: string, count: number): string {
  return `${day}T23:00:00Z,${workflow},${kind},${count},,,${workflow}-${day}`;
}
