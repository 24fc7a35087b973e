import { usd, type Usd } from '../domain/money.js';
import type { ServerTool } from '../domain/usage.js';

/**
 * How each server tool is billed, as the provider publishes it (Anthropic's pricing page,
 * platform.claude.com/docs/en/about-claude/pricing, "Tool use pricing", read 2026-12-07; the tools' own pages
 * under docs/en/agents-and-tools/tool-use). The counts come from Anthropic's `server_tool_use` object
 * (transcripts, the usage report, gateways relaying it), so Anthropic's terms are the ones that apply:
 * - web search: $10 per 1,000 searches, from the price library (`web_searches_kcount`) per model;
 * - web fetch: "no additional charges beyond standard token costs": the fetched content is billed as the
 *   input tokens it becomes, which the record already counts. Priced at $0 per fetch, with that source;
 * - code execution: billed per container-hour (a monthly free allowance per organisation, then a rate per
 *   hour per container; free when the request also carries the 2026-02-09 web search or web fetch tool),
 *   not per request. A request count says nothing about container-hours, so no per-request price exists:
 *   the requests are shown but not priced, and they do not make the record unpriced (its tokens keep their
 *   price). The organisation's container-hours reach Mileage only through the Anthropic cost report, whose
 *   billed rows the ledger takes as the day's authority.
 */
export type ServerToolPricing =
  | { kind: 'library' }
  | { kind: 'per_use'; perThousand: Usd; source: string }
  | { kind: 'not_per_request'; reason: string };

export const SERVER_TOOL_PRICING = {
  webSearch: { kind: 'library' },
  webFetch: {
    kind: 'per_use',
    perThousand: usd(0),
    source: 'published:anthropic web fetch: no charge beyond the tokens it adds',
  },
  codeExecution: {
    kind: 'not_per_request',
    reason:
      'Anthropic bills code execution per container-hour (after a monthly free allowance), not per request: a request count cannot be priced; the Anthropic cost report bills the hours',
  },
} as const satisfies Record<ServerTool, ServerToolPricing>;
