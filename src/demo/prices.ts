import { usd, type Usd } from '../domain/money.js';

/**
 * List prices (USD per million tokens) the demo bills with: the @pydantic/genai-prices values for these
 * models since 2026-03-13 (checked against its data). The demo is a source of raw data, so it prices like a
 * vendor would, independently of Mileage's own pricing code.
 */
export const DEMO_PRICES = {
  'claude-sonnet-4-6': { input: '3', output: '15', cacheRead: '0.3', cacheWrite: '3.75' },
  'claude-opus-4-6': { input: '5', output: '25', cacheRead: '0.5', cacheWrite: '6.25' },
  'claude-opus-4-1': { input: '15', output: '75', cacheRead: '1.5', cacheWrite: '18.75' },
  'claude-haiku-4-5': { input: '1', output: '5', cacheRead: '0.1', cacheWrite: '1.25' },
  'gpt-4.1-mini': { input: '0.4', output: '1.6', cacheRead: '0.1', cacheWrite: '0' },
} as const;
export type DemoModel = keyof typeof DEMO_PRICES;
export type AnthropicModel = Exclude<DemoModel, 'gpt-4.1-mini'>;

/** How the cost report names a model ("Claude Sonnet 4.6 Usage - Input Tokens"). */
export const DISPLAY_NAME = {
  'claude-sonnet-4-6': 'Claude Sonnet 4.6',
  'claude-opus-4-6': 'Claude Opus 4.6',
  'claude-opus-4-1': 'Claude Opus 4.1',
  'claude-haiku-4-5': 'Claude Haiku 4.5',
} as const satisfies Record<AnthropicModel, string>;

/** Billed = list × 0.9: the demo organisation negotiated 10% off Anthropic's list prices. */
export const BILLED_FACTOR = '0.9';

export interface Tokens {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

export const TOKEN_KINDS = ['input', 'cacheRead', 'cacheWrite', 'output'] as const;

export function addTokens(a: Tokens, b: Tokens): Tokens {
  return {
    input: a.input + b.input,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    output: a.output + b.output,
  };
}

/** Float estimate in USD, only to steer volumes while generating; never written to a file. */
export function approxCost(model: DemoModel, t: Tokens): number {
  const p = DEMO_PRICES[model];
  return (
    (t.input * +p.input + t.cacheRead * +p.cacheRead + t.cacheWrite * +p.cacheWrite + t.output * +p.output) /
    1e6
  );
}

/** Exact list cost of one token kind, in USD. */
export function listCost(model: DemoModel, kind: keyof Tokens, tokens: number): Usd {
  return usd(tokens).times(DEMO_PRICES[model][kind]).dividedBy(1_000_000);
}

/** Exact list cost of a token volume, in USD. */
export function listCostOf(model: DemoModel, t: Tokens): Usd {
  return TOKEN_KINDS.reduce((acc, kind) => acc.plus(listCost(model, kind, t[kind])), usd(0));
}
