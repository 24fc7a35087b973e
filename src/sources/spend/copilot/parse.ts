import { z } from 'zod';
import { premiumQuantity } from '../../../domain/copilot-billing.js';
import { recordId } from '../../../domain/ids.js';
import { usd, type Usd } from '../../../domain/money.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import type { SeatActivity, SeatRecord } from '../../../domain/seat.js';
import type { UsageRecord } from '../../../domain/usage.js';
import { describeIssue, notAPage, parseEachItem } from '../../each-item.js';
import { providerOfModel } from '../cursor/parse.js';

export const SEATS_SOURCE = 'copilot-seats';
export const USER_METRICS_SOURCE = 'copilot-usage-metrics';
export const PREMIUM_SOURCE = 'copilot-premium-requests';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected a date');

/** GET /orgs/{org}/copilot/billing/seats (reference §7.3). */
const seatSchema = z.object({
  /** When the seat was assigned: its first day. */
  created_at: z.iso.datetime({ offset: true }),
  /** The day the seat ends, when it is being cancelled. */
  pending_cancellation_date: day.nullish(),
  last_activity_at: z.iso.datetime({ offset: true }).nullish(),
  /** business / enterprise: picks the configured price. */
  plan_type: z.string().nullish(),
  assignee: z.object({ login: z.string().min(1) }),
});
export const seatsPageSchema = z.object({
  total_seats: z.number().int().optional(),
  seats: z.array(z.unknown()),
});

/**
 * Seats: one per assignee, from its assignment day to its cancellation day, priced per plan from the
 * source's `seat_prices` (the API has no prices; a plan without one stays unpriced). The last activity
 * GitHub reports is kept: a seat without any in 30 days is idle.
 */
export function parseCopilotSeats(
  body: unknown,
  ctx: { file: string; prices: Record<string, Usd> },
): ParseResult<SeatRecord> {
  const page = seatsPageSchema.safeParse(body);
  if (!page.success) return notAPage(ctx.file, 'seats', 'expected {total_seats, seats: [...]}');
  return parseEachItem(page.data.seats, seatSchema, { file: ctx.file, path: 'seats' }, (s) => ({
    id: recordId(SEATS_SOURCE, 'copilot', s.assignee.login.toLowerCase()),
    source: SEATS_SOURCE,
    tool: 'copilot',
    actor: s.assignee.login,
    plan: s.plan_type ?? null,
    periodStart: s.created_at.slice(0, 10),
    periodEnd: s.pending_cancellation_date?.slice(0, 10) ?? null,
    price: (s.plan_type && ctx.prices[s.plan_type]) || null,
    basis: 'billed',
    lastActivity: s.last_activity_at ? new Date(s.last_activity_at) : null,
  }));
}

/** The download links of a usage-metrics report (reference §7.1). */
export const reportLinksSchema = z.object({ download_links: z.array(z.url()), report_day: day.optional() });

/** One line of a users-1-day report: a person's day. */
const userDaySchema = z.object({
  user_login: z.string().min(1),
  day,
  user_initiated_interaction_count: z.number().int().nonnegative().default(0),
  code_generation_activity_count: z.number().int().nonnegative().default(0),
});

/** A users report file (NDJSON): each line a person's active day; bad lines are problems with their number. */
export function parseCopilotUserMetrics(text: string, file: string): ParseResult<SeatActivity> {
  const out: ParseResult<SeatActivity> = { records: [], problems: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      out.problems.push({ file, line: i + 1, field: null, message: 'not a JSON line' });
      return;
    }
    const r = userDaySchema.safeParse(json);
    if (!r.success) {
      out.problems.push({ file, line: i + 1, ...describeIssue(r.error) });
      return;
    }
    const d = r.data.day.slice(0, 10);
    out.records.push({
      id: recordId(USER_METRICS_SOURCE, r.data.user_login.toLowerCase(), d),
      source: USER_METRICS_SOURCE,
      tool: 'copilot',
      actor: r.data.user_login,
      day: d,
      interactions: r.data.user_initiated_interaction_count,
    });
  });
  return out;
}

/** GET /organizations/{org}/settings/billing/premium_request/usage (reference §7.4): dollars. */
const premiumItemSchema = z.object({
  product: z.string(),
  sku: z.string(),
  model: z.string().nullish(),
  /** Premium requests: each request times its model's multiplier, so fractional (40.5, 0.33). */
  grossQuantity: z.number().nonnegative(),
  netQuantity: z.number().nonnegative().nullish(),
  /** What is charged after the plan's included requests: the billed amount. */
  netAmount: z.number({ error: 'expected dollars' }),
});
export const premiumPageSchema = z.object({ usageItems: z.array(z.unknown()) });

/**
 * Premium requests of one day: billed dollars (net of what the plans include) per product, SKU and model,
 * in the org's Copilot stream `copilot:<org>` — charged on top of the seats. The quantity is premium requests
 * (a request times its model's multiplier), not a request count: it is kept exact in `units` and in the
 * price reference (40.5 stays 40.5), and `requests` stays 0 as for the other reports that count no requests.
 */
export function parseCopilotPremiumUsage(
  body: unknown,
  ctx: { file: string; org: string; day: string },
): ParseResult<UsageRecord> {
  const page = premiumPageSchema.safeParse(body);
  if (!page.success) return notAPage(ctx.file, 'usageItems', 'expected {usageItems: [...]}');
  const start = new Date(`${ctx.day}T00:00:00Z`);
  return parseEachItem(
    page.data.usageItems,
    premiumItemSchema,
    { file: ctx.file, path: 'usageItems' },
    (u) => {
      const gross = premiumQuantity(u.grossQuantity) ?? '0';
      const net = premiumQuantity(u.netQuantity);
      return {
        id: recordId(PREMIUM_SOURCE, ctx.day, u.product, u.sku, u.model),
        source: PREMIUM_SOURCE,
        stream: `copilot:${ctx.org}`,
        granularity: 'day' as const,
        start,
        end: new Date(start.getTime() + 86_400_000),
        tool: 'copilot',
        provider: u.model ? providerOfModel(u.model) : null,
        model: u.model ?? null,
        tokens: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
        requests: 0,
        cost: {
          amount: usd(String(u.netAmount)),
          basis: 'billed' as const,
          priceRef: `${PREMIUM_SOURCE}:${gross}${net === undefined ? '' : ` (net ${net})`}`,
        },
        units: { premiumRequests: gross },
        hints: {},
      };
    },
  );
}
