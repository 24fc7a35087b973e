import { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { centsToUsd, type Usd } from '../../../domain/money.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import type { SeatActivity, SeatRecord } from '../../../domain/seat.js';
import { notAPage, parseEachItem } from '../../each-item.js';

export const MEMBERS_SOURCE = 'cursor-members';
export const DAILY_USAGE_SOURCE = 'cursor-daily-usage';

/** GET /teams/members (reference §6.1). */
const memberSchema = z.object({
  email: z.string().min(3, 'expected an email'),
  name: z.string().optional(),
  /** owner / member hold paid seats; a free-owner does not. */
  role: z.string(),
  isRemoved: z.boolean().optional(),
});
export const membersPageSchema = z.object({ teamMembers: z.array(z.unknown()) });

/** POST /teams/spend (reference §6.3): the current billing cycle, per member. */
const spendSchema = z.object({
  email: z.string().min(3),
  /** Cents, whole: usage charged this cycle (it may include what the plan covers). */
  spendCents: z.number().nonnegative('negative amount'),
});
export const spendPageSchema = z.object({
  teamMemberSpend: z.array(z.unknown()),
  subscriptionCycleStart: z.number().int().nonnegative().optional(),
  totalPages: z.number().int().nonnegative().optional(),
});

/** POST /teams/daily-usage-data (reference §6.2): one row per person per day. */
const dailySchema = z.object({
  date: z.number().int().nonnegative(),
  isActive: z.boolean(),
  email: z.string().min(3).optional(),
  composerRequests: z.number().nonnegative().default(0),
  chatRequests: z.number().nonnegative().default(0),
  agentRequests: z.number().nonnegative().default(0),
  cmdkUsages: z.number().nonnegative().default(0),
});
export const dailyPageSchema = z.object({ data: z.array(z.unknown()) });

export interface SeatTerms {
  /** USD per seat per month as configured (Cursor's API has no prices); null = unpriced. */
  price: Usd | null;
  plan: string | null;
  /** The sync's day (YYYY-MM-DD): a member first seen starts in this month; a removed one ends today. */
  today: string;
}

/**
 * Members with paid seats become seat records (the person's Cursor seat: included usage allocates its
 * price). Cursor lists no dates, so a seat starts on the first of the month it was first seen in (the
 * store keeps the earliest) and a removed member's seat ends on the day the sync saw it removed. The
 * cycle's spend per member, when given, is kept on the seat for the seat view.
 */
export function parseCursorMembers(
  members: unknown,
  spend: { body: unknown; file: string }[],
  terms: SeatTerms,
  file: string,
): ParseResult<SeatRecord> {
  const page = membersPageSchema.safeParse(members);
  if (!page.success) return notAPage(file, 'teamMembers', 'expected {teamMembers: [...]}');
  const problems: Problem[] = [];
  const cycle = new Map<string, { start: Date; amount: Usd }>();
  for (const s of spend) {
    const p = spendPageSchema.safeParse(s.body);
    if (!p.success) {
      problems.push({ file: s.file, line: null, field: 'teamMemberSpend', message: 'expected a spend page' });
      continue;
    }
    const start = new Date(
      p.data.subscriptionCycleStart ?? Date.parse(`${terms.today.slice(0, 8)}01T00:00:00Z`),
    );
    const part = parseEachItem(
      p.data.teamMemberSpend,
      spendSchema,
      { file: s.file, path: 'teamMemberSpend' },
      (m) => m,
    );
    problems.push(...part.problems);
    for (const m of part.records)
      cycle.set(m.email.toLowerCase(), { start, amount: centsToUsd(m.spendCents) });
  }
  const seats = parseEachItem(page.data.teamMembers, memberSchema, { file, path: 'teamMembers' }, (m) =>
    m.role === 'free-owner'
      ? null
      : ({
          id: recordId(MEMBERS_SOURCE, 'cursor', m.email.toLowerCase()),
          source: MEMBERS_SOURCE,
          tool: 'cursor',
          actor: m.email,
          plan: terms.plan,
          periodStart: `${terms.today.slice(0, 8)}01`,
          periodEnd: m.isRemoved === true ? terms.today : null,
          price: terms.price,
          basis: 'billed',
          lastActivity: null,
          cycleSpend: cycle.get(m.email.toLowerCase()),
        } satisfies SeatRecord),
  );
  return { records: seats.records, problems: [...problems, ...seats.problems] };
}

/** Daily usage: the days each person was active in Cursor (seat activity; no spend in these rows). */
export function parseCursorDailyUsage(body: unknown, file: string): ParseResult<SeatActivity> {
  const page = dailyPageSchema.safeParse(body);
  if (!page.success) return notAPage(file, 'data', 'expected {data: [...]}');
  return parseEachItem(page.data.data, dailySchema, { file, path: 'data' }, (r) => {
    if (!r.isActive || !r.email) return null;
    const day = new Date(r.date).toISOString().slice(0, 10);
    return {
      id: recordId(DAILY_USAGE_SOURCE, r.email.toLowerCase(), day),
      source: DAILY_USAGE_SOURCE,
      tool: 'cursor',
      actor: r.email,
      day,
      interactions: r.composerRequests + r.chatRequests + r.agentRequests + r.cmdkUsages,
    };
  });
}
