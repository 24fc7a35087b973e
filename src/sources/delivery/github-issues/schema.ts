import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const login = z.object({ login: z.string() });

/** A number field's value on a Projects (v2) item: `ProjectV2ItemFieldNumberValue`, with its field's name. */
const fieldValue = z.object({
  number: z.number().nullable().optional(),
  field: z.object({ name: z.string() }).nullable().optional(),
});

/**
 * An Issue node of the GitHub GraphQL search (docs.github.com/graphql/reference/objects#issue): what
 * Mileage reads of a closed issue.
 */
export const issueNodeSchema = z.object({
  /** The issue's number in its repository: with the repository, the ticket's ref. */
  number: z.number().int().positive(),
  createdAt: instant,
  /** When it was closed: the outcome's time. Null while open. */
  closedAt: instant.nullable(),
  /** COMPLETED is delivered work; NOT_PLANNED and DUPLICATE are not. Null on old issues: taken as completed. */
  stateReason: z.string().nullable().optional(),
  /** Who delivered it: the first assignee (resolved through the directory); none is unassigned. */
  assignees: z.object({ nodes: z.array(login) }).default({ nodes: [] }),
  /** Labels: the work category (bug, feature…) and, by convention, the points (`points:3`). */
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }).default({ nodes: [] }),
  /** The pull requests that closed it (`Fixes #12` in a PR, or linked in the sidebar). */
  closedByPullRequestsReferences: z
    .object({
      nodes: z.array(
        z.object({
          number: z.number().int(),
          repository: z.object({ nameWithOwner: z.string() }).optional(),
        }),
      ),
    })
    .default({ nodes: [] }),
  /** Its items in Projects: a number field (Points, Estimate) can hold the points. */
  projectItems: z
    .object({ nodes: z.array(z.object({ fieldValues: z.object({ nodes: z.array(fieldValue) }) })) })
    .default({ nodes: [] }),
});

export type IssueNode = z.infer<typeof issueNodeSchema>;
