import type { DemoPerson } from './org.js';
import type { Rng } from './rng.js';

/**
 * Cursor usage events of the frontend team (reference §6.4): included in their Business seats, so the
 * seat price is what they cost; tokens only show how the seat was used. Timestamps are epoch ms as text.
 */

/** Cursor's own list prices (USD per million tokens: input, output, cache read, cache write). */
const CURSOR_PRICES: Record<string, [number, number, number, number]> = {
  'claude-4.5-sonnet': [3, 15, 0.3, 3.75],
  'gpt-5': [1.25, 10, 0.125, 0],
};

export function cursorEvent(person: DemoPerson, dayMs: number, rng: Rng): Record<string, unknown> {
  const model = rng.chance(0.65) ? 'claude-4.5-sonnet' : 'gpt-5';
  const [pi, po, pr, pw] = CURSOR_PRICES[model] ?? [0, 0, 0, 0];
  const inputTokens = 800 + rng.int(5200);
  const outputTokens = 150 + rng.int(1650);
  const cacheReadTokens = rng.int(60_000);
  const cacheWriteTokens = model === 'gpt-5' ? 0 : rng.int(4_000);
  const cents =
    (inputTokens * pi + outputTokens * po + cacheReadTokens * pr + cacheWriteTokens * pw) / 10_000;
  return {
    timestamp: String(dayMs + 13 * 3_600_000 + rng.int(9 * 3_600_000)),
    model,
    kind: 'Included in Business',
    maxMode: false,
    requestsCosts: 1,
    isTokenBasedCall: true,
    tokenUsage: {
      inputTokens,
      outputTokens,
      cacheWriteTokens,
      cacheReadTokens,
      totalCents: Math.round(cents * 10_000) / 10_000,
    },
    isFreeBugbot: false,
    userEmail: person.email,
  };
}

const PAGE_SIZE = 500;

/** Events newest first, as the endpoint returns them, in pages of 500. */
export function cursorFiles(
  events: Record<string, unknown>[],
  period: [number, number],
): Map<string, string> {
  const sorted = [...events].sort((a, b) => Number(b.timestamp) - Number(a.timestamp));
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const files = new Map<string, string>();
  for (let i = 0; i < pages; i++) {
    const page = {
      totalUsageEventsCount: sorted.length,
      pagination: {
        numPages: pages,
        currentPage: i + 1,
        pageSize: PAGE_SIZE,
        hasNextPage: i + 1 < pages,
        hasPreviousPage: i > 0,
      },
      usageEvents: sorted.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE),
      period: { startDate: period[0], endDate: period[1] },
    };
    files.set(`cursor/usage-events/page-${String(i + 1).padStart(4, '0')}.json`, JSON.stringify(page) + '\n');
  }
  return files;
}
