import {
  ALERTS_PER_DAY,
  PER_ALERT,
  PER_REVIEW,
  PER_TICKET,
  REVIEWS_PER_WORKDAY,
  TICKETS_PER_DAY,
  WEEKEND,
  alertModel,
} from './bots.js';
import { edgeWindows, position, smoothstep, solve, type Calendar } from './calendar.js';
import { meanRequestCost, type Profile } from './claude-code.js';
import type { DemoEffects } from './options.js';
import { approxCost } from './prices.js';

/**
 * How much the organisation uses AI over the period. One volume curve (mean 1) scales engineers' requests
 * and the bots' traffic; when growth is planted, adoption (engineers starting to use Claude Code) and the
 * Opus share of sessions rise with it. The curve's starting level is solved so that what the organisation
 * pays in the last four weeks — billed Anthropic usage, priced gateway usage and seats — is `spendGrowth`
 * times the first four weeks, the spike day included.
 */

/** Claude Code requests per engineer per working day when the volume curve is 1. */
export const REQUESTS_PER_WORKDAY = 30;
const BILLED = 0.9;

export interface Engineer {
  /** Position in the period from which they use Claude Code. */
  adoptedAt: number;
  /** Spend multiplier at the same work (personal habit × planted variance), in normal requests. */
  factor: number;
}

export interface SpendPlan {
  volume: number[];
  opusShare: (t: number) => number;
  /** Expected billed total of a day (what the organisation pays), for the spike's size. */
  expectedBilled: (d: number) => number;
}

export function isRamped(e: DemoEffects): boolean {
  return e.spendGrowth >= 1.5;
}

/** Expected list cost of a Claude Code request with a given Opus share (USD). */
export function requestCost(opusShare: number, profile: Profile = 'normal'): number {
  return (
    (1 - opusShare) * meanRequestCost('claude-sonnet-4-6', profile) +
    opusShare * meanRequestCost('claude-opus-4-6', profile)
  );
}

/** The heavy user reaches for Opus more often than peers. */
export function heavyOpusShare(share: number): number {
  return Math.min(0.9, share + 0.25);
}

export function opusShareCurve(e: DemoEffects): (t: number) => number {
  return isRamped(e) ? (t) => 0.08 + 0.5 * smoothstep(t, 0.1, 0.8) : () => 0.15;
}

export function planSpend(
  cal: Calendar,
  e: DemoEffects,
  engineers: Engineer[],
  seatsPerDay: number[],
  spikeDay: number | null,
): SpendPlan {
  const opusShare = opusShareCurve(e);
  const alertCost = approxCost(alertModel(e.modelFit), PER_ALERT);
  const reviewCost = approxCost('claude-sonnet-4-6', PER_REVIEW);
  const ticketCost = e.unpriced ? 0 : approxCost('gpt-4.1-mini', PER_TICKET);
  const ts = cal.days.map((_, d) => position(cal, d));
  // Per day at volume 1: engineers' list cost, bots' list cost, priced gateway cost.
  const engineersAt1 = ts.map((t, d) => {
    const work = cal.weekend[d] ? WEEKEND.engineers : 1;
    const perRequest = requestCost(opusShare(t));
    const active = engineers.reduce((a, x) => a + (t >= x.adoptedAt ? x.factor : 0), 0);
    return active * work * REQUESTS_PER_WORKDAY * perRequest;
  });
  const botsAt1 = cal.days.map((_, d) => {
    const w = cal.weekend[d];
    return (
      ALERTS_PER_DAY * (w ? WEEKEND.alerts : 1) * alertCost +
      REVIEWS_PER_WORKDAY * (w ? WEEKEND.reviews : 1) * reviewCost
    );
  });
  const gatewayAt1 = cal.days.map(
    (_, d) => TICKETS_PER_DAY * (cal.weekend[d] ? WEEKEND.tickets : 1) * ticketCost,
  );

  const curve = (v0: number) => {
    const raw = ts.map((t) => v0 + (1 - v0) * smoothstep(t, 0.06, 0.62));
    const mean = raw.reduce((a, x) => a + x, 0) / raw.length;
    return raw.map((x) => x / mean);
  };
  const billedDays = (volume: number[]) =>
    volume.map(
      (v, d) =>
        BILLED * v * ((engineersAt1[d] ?? 0) + (botsAt1[d] ?? 0)) +
        v * (gatewayAt1[d] ?? 0) +
        (seatsPerDay[d] ?? 0),
    );
  const { first, last } = edgeWindows(cal);
  const ratio = (v0: number) => {
    const billed = billedDays(curve(v0));
    const sum = (idx: number[]) => idx.reduce((a, i) => a + (billed[i] ?? 0), 0);
    const spike = spikeDay !== null && last.includes(spikeDay) ? 4 * (billed[spikeDay] ?? 0) : 0;
    return (sum(last) + spike) / sum(first);
  };
  const v0 = solve(ratio, e.spendGrowth, 0.0005, 30);
  const volume = curve(v0);
  const billed = billedDays(volume);
  return { volume, opusShare, expectedBilled: (d) => billed[d] ?? 0 };
}
