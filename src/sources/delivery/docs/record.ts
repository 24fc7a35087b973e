import { recordId } from '../../../domain/ids.js';
import { DOC_KIND, type OutcomeRecord } from '../../../domain/outcome.js';

/** One document event as a connector reads it: a new document, or an update of one. Identifiers only. */
export interface DocEvent {
  source: string;
  /** The parts of the natural key (site, document id, version): the same event always has the same id. */
  key: (string | number)[];
  at: Date;
  /** When the document was created. */
  createdAt: Date;
  /** Who made this version (an Atlassian account id, a Notion user id): resolved through `tracker_ids`. */
  actor: string | null;
  /** The container the document lives in (`acme.atlassian.net/wiki/spaces/DOCS`, a Notion database). */
  container: string;
  /** The document's id in its tool (never its title). */
  ref: string;
  /** Its words before the change (null: a new document) and after. */
  wordsBefore: number | null;
  wordsAfter: number;
  /** page, blogpost, database-page… */
  workType: string;
  workflow: string | null;
}

/**
 * A `doc_published` outcome: its size is in words — additions the words added, deletions those removed,
 * effective lines the two together (the change), files 1 — and it has no points. A new document is new
 * value; whether an update is (a fix, a refresh, new material) the tools do not say.
 */
export function docOutcome(e: DocEvent): OutcomeRecord {
  const before = e.wordsBefore ?? 0;
  const additions = Math.max(0, e.wordsAfter - before);
  const deletions = Math.max(0, before - e.wordsAfter);
  return {
    id: recordId(e.source, ...e.key),
    source: e.source,
    kind: DOC_KIND,
    at: e.at,
    openedAt: e.createdAt,
    actor: e.actor,
    repo: e.container,
    ref: e.ref,
    headBranch: null,
    linkedTickets: [],
    size: { additions, deletions, files: 1, effectiveLines: additions + deletions },
    points: null,
    pointsBasis: null,
    aiAssisted: false,
    aiEvidence: null,
    rework: false,
    reworkReason: null,
    category: e.wordsBefore === null ? 'new_value' : 'unknown',
    workType: e.wordsBefore === null ? `${e.workType}:new` : `${e.workType}:update`,
    workflow: e.workflow,
    count: 1,
    value: null,
  };
}
