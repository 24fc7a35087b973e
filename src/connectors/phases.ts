import { z } from 'zod';
import type { SyncFrom, SyncPage } from './sync/connector.js';

/** Where one phase lists from: the run's window, and the phase's own position when resuming. */
export interface PhaseFrom {
  since: Date | null;
  /** The run's end, fixed when it started so a resumed run lists exactly the same window. */
  until: Date;
  position: string | null;
}

/**
 * One endpoint of a connector that reads several (usage, then costs, then analytics). A phase yields its
 * pages with its own `next`; null ends the phase.
 */
export interface Phase {
  name: string;
  pages(from: PhaseFrom, signal?: AbortSignal): AsyncIterable<SyncPage>;
}

const positionSchema = z.object({
  phase: z.string(),
  at: z.string().nullable(),
  until: z.iso.datetime(),
});
type Position = z.infer<typeof positionSchema>;

/** A stored position read back; anything unreadable starts the phase over (ids make re-reading safe). */
export function decodeJson<S extends z.ZodType>(schema: S, position: string | null): z.infer<S> | undefined {
  if (position === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(position));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The phases one after another as one listing. The position the runner stores names the phase, the
 * phase's own position and the run's end, so a run killed in any phase resumes at the first page not stored.
 */
export function phasedPages(phases: readonly Phase[], now: () => number) {
  return async function* (from: SyncFrom, signal?: AbortSignal): AsyncIterable<SyncPage> {
    const resume = decodeJson(positionSchema, from.position);
    const until = resume ? new Date(resume.until) : new Date(now());
    let index = resume
      ? Math.max(
          0,
          phases.findIndex((p) => p.name === resume.phase),
        )
      : 0;
    let at = resume && phases[index]?.name === resume.phase ? resume.at : null;
    for (; index < phases.length; index++, at = null) {
      const phase = phases[index] as Phase;
      const following = phases[index + 1];
      for await (const page of phase.pages({ since: from.since, until, position: at }, signal)) {
        const next: Position | null =
          page.next !== null
            ? { phase: phase.name, at: page.next, until: until.toISOString() }
            : following
              ? { phase: following.name, at: null, until: until.toISOString() }
              : null;
        yield { ...page, next: next && JSON.stringify(next) };
        if (page.next === null) break;
      }
    }
  };
}

/** UTC calendar days from `since`'s day to `until`'s day, both included. */
export function utcDays(since: Date, until: Date): string[] {
  const days: string[] = [];
  const last = until.toISOString().slice(0, 10);
  for (
    let d = new Date(`${since.toISOString().slice(0, 10)}T00:00:00Z`);
    ;
    d = new Date(d.getTime() + 86_400_000)
  ) {
    const day = d.toISOString().slice(0, 10);
    if (day > last) break;
    days.push(day);
  }
  return days;
}

/** An instant floored to the UTC hour or day: report buckets are snapped there, and so is a window's start. */
export function floorUtc(at: Date, width: 'hour' | 'day'): Date {
  const ms = width === 'hour' ? 3_600_000 : 86_400_000;
  return new Date(Math.floor(at.getTime() / ms) * ms);
}
