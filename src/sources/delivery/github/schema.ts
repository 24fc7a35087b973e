import { z } from 'zod';
import { milestoneSchema } from './milestones.js';

const instant = z.iso.datetime({ offset: true });

/** Who wrote a commit, or one of its co-authors GitHub recognised: bot identities are AI evidence. */
const gitActor = z.object({
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  /** The GitHub account, when the email belongs to one (`copilot-swe-agent`, `devin-ai-integration`…). */
  user: z.object({ login: z.string() }).nullable().optional(),
});

/** A PullRequest node of the GitHub GraphQL search (reference §8.1): what Mileage reads of it. */
export const pullNodeSchema = z.object({
  /** The PR's number in its repository: the record's ref and identity. */
  number: z.number().int().positive(),
  /** Read for revert detection and ticket keys only; never stored. */
  title: z.string(),
  /** When the PR was opened: the start of its lead time (unless a commit is older). */
  createdAt: instant,
  /** Null for open or closed-unmerged PRs, which are not delivered work. */
  mergedAt: instant.nullable(),
  /** Size: lines added and deleted, files touched (the size model's inputs). */
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  changedFiles: z.number().int().nonnegative(),
  /** The head branch (GraphQL `headRefName`): the join to agent sessions that worked on it, and ticket keys. */
  headRefName: z.string().optional(),
  /** The PR author; null for deleted accounts. A bot author (`Copilot`, `devin-ai-integration`) is AI evidence. */
  author: z.object({ login: z.string() }).nullable().optional(),
  /** The milestone it belongs to: GitHub's epic (sources/delivery/github/milestones.ts). */
  milestone: milestoneSchema.nullable().optional(),
  /** Labels: the work category (feature, bug…) and rework labels. */
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }).default({ nodes: [] }),
  /**
   * The issues this PR closes (GraphQL `closingIssuesReferences`): `Closes #12` / `Fixes acme/api#7` in its
   * description and issues linked in its sidebar, resolved by GitHub, so the description is never read.
   * Stored as ticket links `owner/repo#number`, the refs GitHub Issues tickets have.
   */
  closingIssuesReferences: z
    .object({
      nodes: z.array(
        z.object({
          number: z.number().int().positive(),
          repository: z.object({ nameWithOwner: z.string() }).optional(),
        }),
      ),
    })
    .default({ nodes: [] }),
  /**
   * Reviews (GraphQL `reviews`): when someone other than the author first reviewed, and first approved.
   * `state` is APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING (not submitted: no time).
   */
  reviews: z
    .object({
      nodes: z.array(
        z.object({
          state: z.string(),
          submittedAt: instant.nullable().optional(),
          author: z.object({ login: z.string() }).nullable().optional(),
        }),
      ),
    })
    .default({ nodes: [] }),
  /** The PR's branch commits (also of squash merges): their markers say whether AI was involved. */
  commits: z
    .object({
      nodes: z.array(
        z.object({
          commit: z.object({
            /** Trailers and prefixes (`Co-Authored-By: Claude…`, `aider: `) are read; the text is not stored. */
            message: z.string(),
            /** The earliest authored commit is when the work began. */
            authoredDate: instant.optional(),
            author: gitActor.nullable().optional(),
            /** Co-authors GitHub resolved from trailers: checked as well as the message. */
            authors: z.object({ nodes: z.array(gitActor) }).optional(),
          }),
        }),
      ),
    })
    .default({ nodes: [] }),
});

export type PullNode = z.infer<typeof pullNodeSchema>;
