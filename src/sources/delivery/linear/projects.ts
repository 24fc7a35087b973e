import { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { EPIC_KIND, type OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { SOURCE } from './parse.js';

const instant = z.iso.datetime({ offset: true });

/**
 * A Project node of the Linear GraphQL API: Linear's epic. Its issues name it in `Issue.project`; the
 * times are those of Linear's schema ("the time at which the project was moved into started / completed /
 * canceled state").
 */
export const linearProjectSchema = z.object({
  /** The project's UUID: what its issues name in `project { id }`, and the epic's ref. */
  id: z.string().min(1),
  createdAt: instant,
  /** When it moved into a started state; null when it went straight to completed. */
  startedAt: instant.nullable().optional(),
  /** When it was completed: the epic's done time. Null while open. */
  completedAt: instant.nullable().optional(),
  /** A canceled project delivered nothing: it is no epic done. */
  canceledAt: instant.nullable().optional(),
  /** The watermark of incremental syncs. */
  updatedAt: instant.optional(),
  /** The project lead: whose team the epic belongs to (else its issues' team, metrics/epic-lead-time.ts). */
  lead: z.object({ id: z.string() }).nullable().optional(),
});

/** Completed projects from an array of Project nodes; open and canceled ones are skipped. */
export function parseLinearProjects(nodes: unknown, ctx: { file: string }): ParseResult<OutcomeRecord> {
  if (!Array.isArray(nodes)) return notAPage(ctx.file, null, 'expected an array of Project nodes');
  return parseEachItem(nodes, linearProjectSchema, { file: ctx.file, path: '' }, (p) => {
    if (!p.completedAt || p.canceledAt) return null;
    return {
      // Projects and issues are both UUIDs in one namespace: the prefix keeps the ids apart regardless.
      id: recordId(SOURCE, `project:${p.id}`),
      source: SOURCE,
      kind: EPIC_KIND,
      at: new Date(p.completedAt),
      openedAt: new Date(p.createdAt),
      startedAt: p.startedAt ? new Date(p.startedAt) : null,
      actor: p.lead?.id ?? null,
      repo: null,
      ref: p.id,
      parentRef: null,
      headBranch: null,
      linkedTickets: [],
      size: null,
      points: null,
      pointsBasis: null,
      aiAssisted: false,
      aiEvidence: null,
      rework: false,
      reworkReason: null,
      category: 'unknown',
      workType: 'Project',
      workflow: null,
      count: 1,
      value: null,
    };
  });
}
