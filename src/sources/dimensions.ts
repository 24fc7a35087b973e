import type { BilledDimension } from '../domain/billed-dimensions.js';

/**
 * Which billed dimensions each usage source reads (the rest its format does not report), and where its cost
 * comes from. One table, read by the README's source × dimension table (test/readme-dimensions.test.ts);
 * test/token-semantics.test.ts and the sources' own tests hold the parsers to it.
 */
export interface SourceDimensions {
  /** What the source is, as a user knows it. */
  label: string;
  reads: readonly BilledDimension[];
  /** Where the record's cost comes from. */
  cost: string;
}

const TOKENS = ['input', 'output', 'cacheRead', 'cacheWrite5m'] as const;
const ANTHROPIC_TOOLS = ['webSearch', 'webFetch', 'codeExecution'] as const;

export const SOURCE_DIMENSIONS = {
  'claude-code-logs': {
    label: 'Claude Code transcripts',
    reads: [...TOKENS, 'cacheWrite1h', ...ANTHROPIC_TOOLS, 'serviceTier', 'batch', 'speed'],
    cost: 'list estimate',
  },
  'claude-code-otel': {
    label: 'Claude Code OpenTelemetry events',
    reads: [...TOKENS, 'speed'],
    cost: "Claude Code's own `cost_usd` (provider reported)",
  },
  'anthropic-usage-report': {
    label: 'Anthropic usage report (Admin API)',
    reads: [
      ...TOKENS,
      'cacheWrite1h',
      ...ANTHROPIC_TOOLS,
      'serviceTier',
      'batch',
      'contextTier',
      'geo',
      'speed',
    ],
    cost: 'list estimate',
  },
  'anthropic-claude-code-analytics': {
    label: 'Anthropic Claude Code analytics',
    reads: [...TOKENS],
    cost: "Anthropic's estimate (provider reported)",
  },
  'anthropic-cost-report': { label: 'Anthropic cost report', reads: [], cost: 'billed' },
  'codex-logs': {
    label: 'Codex rollouts',
    reads: [...TOKENS, 'reasoning', 'serviceTier'],
    cost: 'list estimate',
  },
  'codex-otel': {
    label: 'Codex OpenTelemetry events',
    reads: ['input', 'output', 'cacheRead', 'reasoning'],
    cost: 'list estimate',
  },
  'openai-usage-completions': {
    label: 'OpenAI usage (completions)',
    reads: [...TOKENS, 'audioInput', 'audioOutput', 'serviceTier', 'batch'],
    cost: 'list estimate',
  },
  'openai-costs': { label: 'OpenAI costs', reads: [], cost: 'billed' },
  'gemini-logs': {
    label: 'Gemini CLI chat recordings',
    reads: ['input', 'output', 'cacheRead', 'reasoning'],
    cost: 'list estimate',
  },
  'gemini-cli-otel': {
    label: 'Gemini CLI OpenTelemetry events',
    reads: ['input', 'output', 'cacheRead', 'reasoning'],
    cost: 'list estimate',
  },
  'copilot-cli-logs': {
    label: 'Copilot CLI session events and spans',
    reads: [...TOKENS, 'reasoning', 'audioInput', 'audioOutput', ...ANTHROPIC_TOOLS],
    cost: 'AI credits or premium requests (provider reported); tokens weigh usage within the seat',
  },
  'copilot-premium-requests': {
    label: 'GitHub Copilot premium requests',
    reads: [],
    cost: 'premium requests × rate',
  },
  otlp: {
    label: 'OpenTelemetry GenAI spans',
    reads: [...TOKENS, 'reasoning', 'audioInput', 'audioOutput', ...ANTHROPIC_TOOLS, 'serviceTier', 'batch'],
    cost: 'list estimate; Copilot spans: AI credits or premium requests',
  },
  litellm: {
    label: 'LiteLLM spend logs',
    reads: [...TOKENS, 'reasoning', 'audioInput', 'audioOutput', ...ANTHROPIC_TOOLS],
    cost: "LiteLLM's `spend` (provider reported)",
  },
  'cursor-usage-events': {
    label: 'Cursor usage events',
    reads: [...TOKENS],
    cost: "Cursor's charged cents (provider reported)",
  },
  csv: {
    label: 'Generic usage files (CSV, JSONL, Parquet)',
    reads: [...TOKENS, 'reasoning'],
    cost: 'the file’s `cost_usd`, else list estimate',
  },
  focus: { label: 'FOCUS cost-and-usage files', reads: [], cost: 'billed' },
} as const satisfies Record<string, SourceDimensions>;
