import { usd, type Usd } from '../domain/money.js';

/**
 * List prices (USD per million tokens) the demo bills its cost report with — the genai-prices values for
 * these models. The demo is a source of raw data, so it prices like a vendor would, independently of
 * Mileage's own pricing code.
 */
export const DEMO_PRICES = {
  'claude-sonnet-4-6': { input: '3', output: '15', cacheRead: '0.3', cacheWrite: '3.75' },
  'claude-opus-4-6': { input: '5', output: '25', cacheRead: '0.5', cacheWrite: '6.25' },
  'claude-opus-4-1': { input: '15', output: '75', cacheRead: '1.5', cacheWrite: '18.75' },
  'claude-haiku-4-5': { input: '1', output: '5', cacheRead: '0.1', cacheWrite: '1.25' },
} as const;
export type DemoModel = keyof typeof DEMO_PRICES;

export interface Tokens {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

/** Float estimate, only to steer volumes while generating. */
export function approxCost(model: DemoModel, t: Tokens): number {
  const p = DEMO_PRICES[model];
  return (
    (t.input * +p.input + t.cacheRead * +p.cacheRead + t.cacheWrite * +p.cacheWrite + t.output * +p.output) /
    1e6
  );
}

/** Exact list cost of a token kind, in USD. */
export function exactCost(model: DemoModel, kind: keyof Tokens, tokens: number): Usd {
  return usd(tokens).times(DEMO_PRICES[model][kind]).dividedBy(1_000_000);
}
