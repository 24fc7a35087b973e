import type { Pr } from './delivery.js';

/**
 * Epics for the demo's Jira pages, so epic lead time (metrics/epic-lead-time.ts) has values on the demo:
 * each team's feature tickets, in the order work on them started, grouped by project five at a time into
 * an epic done two hours after its last child. Children name their epic in `parent` (the shape Atlassian
 * returns in team- and company-managed projects alike) and carry the status change that started them.
 * Deterministic from the PRs: no random draw, so the rest of the demo is unchanged by it.
 */
export const EPIC_SIZE = 5;
/** Epic keys start far above the tickets' numbers (delivery.ts FIRST_TICKET) so they never collide. */
const FIRST_EPIC = 90_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DoneTicket {
  pr: Pr;
  resolvedMs: number;
}

export interface DemoEpic {
  key: string;
  assignee: Pr['author'];
  createdMs: number;
  resolvedMs: number;
}

export function demoEpics(done: readonly DoneTicket[]): { epics: DemoEpic[]; parentOf: Map<string, string> } {
  const groups = new Map<string, DoneTicket[]>();
  for (const d of done) {
    if (d.pr.kind !== 'feature' || d.pr.ticket === null) continue;
    const project = d.pr.ticket.split('-')[0] ?? '';
    const group = `${project}\u0000${d.pr.author.team}`;
    groups.set(group, [...(groups.get(group) ?? []), d]);
  }
  const epics: DemoEpic[] = [];
  const parentOf = new Map<string, string>();
  const next = new Map<string, number>();
  for (const [group, tickets] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const project = group.split('\u0000')[0] ?? '';
    const ordered = [...tickets].sort((a, b) => a.pr.openedMs - b.pr.openedMs);
    for (let i = 0; i + EPIC_SIZE <= ordered.length; i += EPIC_SIZE) {
      const children = ordered.slice(i, i + EPIC_SIZE);
      const n = next.get(project) ?? FIRST_EPIC;
      next.set(project, n + 1);
      const key = `${project}-${n}`;
      const first = children[0] as DoneTicket;
      epics.push({
        key,
        assignee: first.pr.author,
        createdMs: first.pr.openedMs - 3 * DAY,
        resolvedMs: Math.max(...children.map((c) => c.resolvedMs)) + 2 * HOUR,
      });
      for (const c of children) parentOf.set(c.pr.ticket ?? '', key);
    }
  }
  return { epics, parentOf };
}
