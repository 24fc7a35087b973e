import type { Calendar } from './calendar.js';
import {
  BILLED_FACTOR,
  DISPLAY_NAME,
  TOKEN_KINDS,
  addTokens,
  listCost,
  type AnthropicModel,
  type Tokens,
} from './prices.js';

/**
 * Anthropic Admin API pages (reference §4.1, §4.2): the usage report in daily buckets grouped by
 * api_key_id, workspace_id and model, and the cost report grouped by workspace_id and description, its
 * amounts decimal strings in cents, billed at list price less the organisation's 10% discount.
 */

export interface UsageRow {
  key: string;
  workspace: string;
  model: AnthropicModel;
  tokens: Tokens;
}

/** Per UTC day, the tokens of each key × workspace × model: the exact sum of what was generated. */
export class UsageBook {
  private readonly days: Map<string, UsageRow>[];
  constructor(private readonly cal: Calendar) {
    this.days = cal.days.map(() => new Map<string, UsageRow>());
  }

  add(day: number, key: string, workspace: string, model: AnthropicModel, tokens: Tokens): void {
    const rows = this.days[day];
    if (!rows) throw new RangeError(`day ${day} is outside the demo period`);
    const id = `${key}|${workspace}|${model}`;
    const prev = rows.get(id);
    if (prev) {
      const t = prev.tokens;
      t.input += tokens.input;
      t.cacheRead += tokens.cacheRead;
      t.cacheWrite += tokens.cacheWrite;
      t.output += tokens.output;
    } else rows.set(id, { key, workspace, model, tokens: { ...tokens } });
  }

  /** The day index of an instant (UTC day, as the report buckets it). */
  dayOf(ms: number): number {
    return Math.floor((ms - (this.cal.dayMs[0] ?? 0)) / 86_400_000);
  }

  rows(day: number): UsageRow[] {
    return [...(this.days[day]?.values() ?? [])];
  }
}

const TOKEN_TYPE: Record<keyof Tokens, { field: string; label: string }> = {
  input: { field: 'uncached_input_tokens', label: 'Input Tokens' },
  cacheRead: { field: 'cache_read_input_tokens', label: 'Cache Read' },
  cacheWrite: { field: 'cache_creation.ephemeral_5m_input_tokens', label: 'Cache Write (5m)' },
  output: { field: 'output_tokens', label: 'Output Tokens' },
};

/** Billed cents of a token volume: list × 0.9 × 100, exact. */
export function billedCents(model: AnthropicModel, kind: keyof Tokens, tokens: number): string {
  return listCost(model, kind, tokens).times(BILLED_FACTOR).times(100).toFixed();
}

const PER_PAGE = 31;

export function reportFiles(book: UsageBook, cal: Calendar): Map<string, string> {
  const files = new Map<string, string>();
  const pages = Math.ceil(cal.days.length / PER_PAGE);
  for (let page = 0; page < pages; page++) {
    const usage: unknown[] = [];
    const cost: unknown[] = [];
    for (let d = page * PER_PAGE; d < Math.min(cal.days.length, (page + 1) * PER_PAGE); d++) {
      const bucket = {
        starting_at: `${cal.days[d]}T00:00:00Z`,
        ending_at: `${cal.days[d + 1] ?? cal.end}T00:00:00Z`,
      };
      const rows = book.rows(d).sort((a, b) => (a.key + a.model < b.key + b.model ? -1 : 1));
      usage.push({
        ...bucket,
        results: rows.map((u) => ({
          account_id: null,
          api_key_id: u.key,
          workspace_id: u.workspace,
          service_account_id: null,
          model: u.model,
          service_tier: null,
          context_window: null,
          inference_geo: null,
          uncached_input_tokens: u.tokens.input,
          cache_read_input_tokens: u.tokens.cacheRead,
          cache_creation: { ephemeral_5m_input_tokens: u.tokens.cacheWrite, ephemeral_1h_input_tokens: 0 },
          output_tokens: u.tokens.output,
          server_tool_use: { web_search_requests: 0 },
        })),
      });
      const byWsModel = new Map<string, { workspace: string; model: AnthropicModel; tokens: Tokens }>();
      for (const u of rows) {
        const k = `${u.workspace}|${u.model}`;
        const prev = byWsModel.get(k);
        if (prev) prev.tokens = addTokens(prev.tokens, u.tokens);
        else byWsModel.set(k, { workspace: u.workspace, model: u.model, tokens: { ...u.tokens } });
      }
      const groups = [...byWsModel.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => g);
      cost.push({
        ...bucket,
        results: groups.flatMap((g) =>
          TOKEN_KINDS.filter((kind) => g.tokens[kind] > 0).map((kind) => ({
            amount: billedCents(g.model, kind, g.tokens[kind]),
            currency: 'USD',
            workspace_id: g.workspace,
            description: `${DISPLAY_NAME[g.model]} Usage - ${TOKEN_TYPE[kind].label}`,
            cost_type: 'tokens',
            model: g.model,
            token_type: TOKEN_TYPE[kind].field,
            service_tier: 'standard',
            context_window: '0-200k',
            inference_geo: 'global',
          })),
        ),
      });
    }
    const next =
      page + 1 < pages
        ? `page_${Buffer.from(cal.days[(page + 1) * PER_PAGE] ?? '').toString('base64url')}`
        : null;
    const name = `page-${String(page + 1).padStart(4, '0')}.json`;
    files.set(
      `anthropic/usage-report/${name}`,
      JSON.stringify({ data: usage, has_more: next !== null, next_page: next }) + '\n',
    );
    files.set(
      `anthropic/cost-report/${name}`,
      JSON.stringify({ data: cost, has_more: next !== null, next_page: next }) + '\n',
    );
  }
  return files;
}
