import { Decimal } from 'decimal.js';
import type { PriceBook } from '../../src/pricing/price-book.js';
import { NO_TOKENS, type TokenCounts } from '../../src/domain/usage.js';

/**
 * One generated month of Anthropic spend for one organisation, and the four views of it that arrive in
 * Mileage: Claude Code transcripts (people who keep logs), Claude Code OTel events (people who export
 * telemetry), the Admin API usage report (every request, tokens by day × key × model) and the cost report
 * (what was billed, cents by day × model × token type). Tests compute every expected figure from `requests`.
 */
export interface TruthRequest {
  id: string;
  person: string | null;
  email: string | null;
  keyId: string;
  at: Date;
  model: string;
  tokens: TokenCounts;
  session: string;
  inLogs: boolean;
  inOtel: boolean;
}

export const PEOPLE = [
  // ana keeps logs and exports telemetry: the same requests arrive twice.
  { id: 'ana', email: 'ana@acme.com', key: 'apikey_01Ana', logs: true, otel: true },
  { id: 'bo', email: 'bo@acme.com', key: 'apikey_01Bo', logs: false, otel: true },
  { id: 'cy', email: 'cy@acme.com', key: 'apikey_01Cy', logs: true, otel: false },
] as const;
/** A service key with no person: its spend is in the reports only. */
export const SERVICE_KEY = 'apikey_01Service';
const MODELS = ['claude-sonnet-4-6', 'claude-haiku-4-5'] as const;
/** The contract discount: billed = list × this. */
export const BILLED_FACTOR = new Decimal('0.9');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateMonth(seed: number, month = '2026-07', days = 31): TruthRequest[] {
  const r = rng(seed);
  const n = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo));
  const out: TruthRequest[] = [];
  for (let d = 1; d <= days; d++) {
    const day = `${month}-${String(d).padStart(2, '0')}`;
    for (const p of [...PEOPLE, null]) {
      const count = p === null ? n(1, 4) : n(2, 9);
      for (let i = 0; i < count; i++) {
        const at = new Date(Date.parse(`${day}T08:00:00Z`) + n(0, 10 * 3600) * 1000);
        out.push({
          id: `req_${day.replaceAll('-', '')}_${p?.id ?? 'svc'}_${i}`,
          person: p?.id ?? null,
          email: p?.email ?? null,
          keyId: p?.key ?? SERVICE_KEY,
          at,
          model: MODELS[n(0, 2)] ?? 'claude-sonnet-4-6',
          tokens: {
            input: n(5, 4000),
            cacheRead: n(0, 80_000),
            cacheWrite: n(0, 6000),
            output: n(50, 3000),
            reasoning: 0,
          },
          session: `${p?.id ?? 'svc'}-${day}`,
          inLogs: p?.logs ?? false,
          inOtel: p?.otel ?? false,
        });
      }
    }
  }
  return out;
}

export function listEstimate(book: PriceBook, q: Pick<TruthRequest, 'model' | 'at' | 'tokens'>): Decimal {
  const cost = book.estimate('anthropic', q.model, q.at, q.tokens);
  if (cost.amount === null) throw new Error(`no list price for ${q.model}`);
  return new Decimal(cost.amount.toString());
}

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** One Claude Code transcript line per request (reference §1.1). */
export function transcriptLine(q: TruthRequest): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: `/home/${q.person ?? 'x'}/src/billing`,
    sessionId: q.session,
    version: '2.1.140',
    gitBranch: 'main',
    type: 'assistant',
    uuid: `u-${q.id}`,
    timestamp: q.at.toISOString(),
    requestId: q.id,
    message: {
      id: `msg_${q.id}`,
      type: 'message',
      role: 'assistant',
      model: q.model,
      content: [{ type: 'text', text: '…' }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: q.tokens.input,
        cache_creation_input_tokens: q.tokens.cacheWrite,
        cache_read_input_tokens: q.tokens.cacheRead,
        cache_creation: { ephemeral_5m_input_tokens: q.tokens.cacheWrite, ephemeral_1h_input_tokens: 0 },
        output_tokens: q.tokens.output,
        service_tier: 'standard',
      },
    },
  });
}

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number) => ({ key, value: { intValue: String(v) } });

/** An OTLP/HTTP JSON logs export of `claude_code.api_request` events (reference §2.1, §3.4). */
export function otlpLogs(requests: TruthRequest[], book: PriceBook): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'claude-code'), str('service.version', '2.1.140')] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code', version: '2.1.140' },
            logRecords: requests.map((q) => ({
              timeUnixNano: `${BigInt(q.at.getTime()) * 1_000_000n}`,
              body: { stringValue: 'claude_code.api_request' },
              attributes: [
                str('event.name', 'api_request'),
                str('event.timestamp', q.at.toISOString()),
                str('session.id', q.session),
                str('user.email', q.email ?? ''),
                str('model', q.model),
                int('input_tokens', q.tokens.input),
                int('output_tokens', q.tokens.output),
                int('cache_read_tokens', q.tokens.cacheRead),
                int('cache_creation_tokens', q.tokens.cacheWrite),
                // Claude Code's own estimate, at list price.
                { key: 'cost_usd', value: { doubleValue: listEstimate(book, q).toNumber() } },
                str('request_id', q.id),
              ],
            })),
          },
        ],
      },
    ],
  };
}

function groupBy<T>(items: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(keyOf(t), [...(out.get(keyOf(t)) ?? []), t]);
  return out;
}

function bucket(day: string) {
  const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().replace('.000Z', 'Z');
  return { starting_at: `${day}T00:00:00Z`, ending_at: end };
}

/** Usage report pages, 1d buckets grouped by api_key_id and model (reference §4.1), `perPage` days a page. */
export function usageReportPages(requests: TruthRequest[], perPage = 7): unknown[] {
  const days = [...groupBy(requests, (q) => dayOf(q.at))].sort(([a], [b]) => a.localeCompare(b));
  const buckets = days.map(([day, qs]) => ({
    ...bucket(day),
    results: [...groupBy(qs, (q) => `${q.keyId}|${q.model}`)].map(([k, g]) => {
      const [keyId, model] = k.split('|');
      const sum = (f: keyof TokenCounts) => g.reduce((a, q) => a + (q.tokens[f] ?? 0), 0);
      return {
        api_key_id: keyId,
        workspace_id: null,
        account_id: null,
        model,
        service_tier: 'standard',
        context_window: '0-200k',
        uncached_input_tokens: sum('input'),
        cache_read_input_tokens: sum('cacheRead'),
        cache_creation: { ephemeral_5m_input_tokens: sum('cacheWrite'), ephemeral_1h_input_tokens: 0 },
        output_tokens: sum('output'),
        server_tool_use: { web_search_requests: 0 },
      };
    }),
  }));
  const pages: unknown[] = [];
  for (let i = 0; i < buckets.length; i += perPage) {
    const more = i + perPage < buckets.length;
    pages.push({
      data: buckets.slice(i, i + perPage),
      has_more: more,
      next_page: more ? `p${i + perPage}` : null,
    });
  }
  return pages;
}

const TOKEN_TYPES = [
  ['input', 'uncached_input_tokens', 'Input Tokens'],
  ['cacheRead', 'cache_read_input_tokens', 'Cache Read'],
  ['cacheWrite', 'cache_creation.ephemeral_5m_input_tokens', 'Cache Write'],
  ['output', 'output_tokens', 'Output Tokens'],
] as const;

/**
 * Cost report pages grouped by description (reference §4.2): per day, model and token type, the billed
 * amount in cents as a decimal string (list price × BILLED_FACTOR, to 6 decimals of a cent). Returns the
 * pages and the billed total in dollars, summed exactly from the same strings.
 */
export function costReport(
  requests: TruthRequest[],
  book: PriceBook,
  skipDays: ReadonlySet<string> = new Set(),
): { pages: unknown[]; billed: Decimal; billedByDay: Map<string, Decimal> } {
  const billedByDay = new Map<string, Decimal>();
  const data = [...groupBy(requests, (q) => dayOf(q.at))]
    .sort(([a], [b]) => a.localeCompare(b))
    .filter(([day]) => !skipDays.has(day))
    .map(([day, qs]) => ({
      ...bucket(day),
      results: [...groupBy(qs, (q) => q.model)].flatMap(([model, g]) =>
        TOKEN_TYPES.map(([field, tokenType, label]) => {
          const list = g.reduce(
            (a, q) =>
              a.plus(listEstimate(book, { ...q, tokens: { ...NO_TOKENS, [field]: q.tokens[field] } })),
            new Decimal(0),
          );
          const cents = list.times(BILLED_FACTOR).times(100).toDecimalPlaces(6);
          billedByDay.set(day, (billedByDay.get(day) ?? new Decimal(0)).plus(cents.dividedBy(100)));
          return {
            amount: cents.toFixed(),
            currency: 'USD',
            workspace_id: null,
            description: `${model} Usage - ${label}`,
            cost_type: 'tokens',
            model,
            token_type: tokenType,
            service_tier: 'standard',
            context_window: '0-200k',
            inference_geo: 'global',
          };
        }),
      ),
    }));
  const billed = [...billedByDay.values()].reduce((a, b) => a.plus(b), new Decimal(0));
  return { pages: [{ data, has_more: false, next_page: null }], billed, billedByDay };
}
