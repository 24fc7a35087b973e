/**
 * Every dimension a provider bills on, in the order `prices explain` and the README list them: the token
 * kinds (usage.ts TOKEN_FIELDS, with cache writes split by lifetime), the server tools by kind (usage.ts
 * SERVER_TOOLS) and how a request was served (usage.ts BillingDimensions).
 */
export const BILLED_DIMENSIONS = {
  input: 'input',
  output: 'output',
  cacheRead: 'cache read',
  cacheWrite5m: 'cache write 5m',
  cacheWrite1h: 'cache write 1h',
  reasoning: 'reasoning',
  audioInput: 'audio in',
  audioOutput: 'audio out',
  webSearch: 'web search',
  webFetch: 'web fetch',
  codeExecution: 'code execution',
  serviceTier: 'service tier',
  batch: 'batch',
  contextTier: 'context tier',
  geo: 'inference geo',
  speed: 'speed',
} as const;

export type BilledDimension = keyof typeof BILLED_DIMENSIONS;
export const BILLED_DIMENSION_NAMES = Object.keys(BILLED_DIMENSIONS) as BilledDimension[];
