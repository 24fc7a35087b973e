import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

/** A merge request of GET /projects/:id/merge_requests (reference §8.2): what Mileage reads of it. */
export const mergeRequestSchema = z.object({
  /** The MR's number in its project: the record's ref, and the key of its commits and diffs. */
  iid: z.number().int().positive(),
  /** The project's numeric id: with iid, the record's identity (stable across project renames). */
  project_id: z.number().int().positive(),
  /** Read for revert detection and ticket keys only; never stored. */
  title: z.string(),
  /** When the MR was opened: the start of its lead time (unless a commit is older). */
  created_at: instant,
  /** Null unless merged; closed-unmerged MRs are not delivered work. */
  merged_at: instant.nullable().optional(),
  /** The watermark of incremental syncs. */
  updated_at: instant.optional(),
  /** The MR author; a bot account is AI evidence. */
  author: z.object({ username: z.string() }).nullable().optional(),
  /** An array of strings (not objects, unlike GitHub): the work category and rework labels. */
  labels: z.array(z.string()).default([]),
  /** The head branch: the join to agent sessions, and ticket keys. */
  source_branch: z.string().optional(),
  /** `https://host/group/project/-/merge_requests/77`: the project's path is read from it. */
  web_url: z.string().optional(),
});

/** A commit of GET /projects/:id/merge_requests/:iid/commits: markers are read, the text is not stored. */
export const mrCommitSchema = z.object({
  message: z.string(),
  author_name: z.string().nullable().optional(),
  author_email: z.string().nullable().optional(),
  /** The earliest authored commit is when the work began. */
  authored_date: instant.optional(),
});

/** A file of GET /projects/:id/merge_requests/:iid/diffs: lines are counted, the diff is not stored. */
export const mrDiffSchema = z.object({
  new_path: z.string(),
  /** Unified diff hunks without file headers; empty when GitLab collapsed a very large file. */
  diff: z.string().default(''),
  /** GitLab marks generated files (16.x+): they do not count as effective lines. */
  generated_file: z.boolean().nullable().optional(),
});

export type MergeRequest = z.infer<typeof mergeRequestSchema>;
export type MrCommit = z.infer<typeof mrCommitSchema>;
export type MrDiff = z.infer<typeof mrDiffSchema>;

/** GET /projects/:id/merge_requests/:iid/approvals: who approved, and when (`approved_at`, GitLab 18.4+). */
export const mrApprovalsSchema = z.object({
  approved_by: z
    .array(
      z.object({
        user: z.object({ username: z.string() }).nullable().optional(),
        approved_at: instant.nullable().optional(),
      }),
    )
    .default([]),
});

/**
 * A note of GET /projects/:id/merge_requests/:iid/notes: a reviewer's comment, or a system note. The body is
 * read only to recognise approvals (`approved this merge request`) and change requests; never stored.
 */
export const mrNoteSchema = z.object({
  author: z.object({ username: z.string() }).nullable().optional(),
  created_at: instant,
  system: z.boolean().default(false),
  body: z.string().default(''),
});

export type MrApprovals = z.infer<typeof mrApprovalsSchema>;
export type MrNote = z.infer<typeof mrNoteSchema>;
