import type { Usd } from '../domain/money.js';
import type { TokenCounts } from '../domain/usage.js';

/**
 * What some tokens of a model would have cost at an instant, at list price (null: no price known). The what-if
 * metrics and the model-fit diagnostic reprice a workload's tokens on a cheaper model with it.
 */
export type Repricer = (provider: string | null, model: string, at: Date, tokens: TokenCounts) => Usd | null;
