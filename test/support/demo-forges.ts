import type { OrgDirectory } from '../../src/domain/directory.js';

/**
 * The demo's delivery data rendered into other forges' and trackers' documented shapes, so the same work can
 * be served by a local server and read by another connector: GitHub PullRequest nodes → Bitbucket Cloud pull
 * requests with their commits, diffstat and activity; Jira search/jql issues → GitHub Issue nodes.
 */
interface PrNode {
  number: number;
  title: string;
  createdAt: string;
  mergedAt: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  headRefName: string;
  author: { login: string } | null;
  commits: {
    nodes: {
      commit: {
        oid: string;
        message: string;
        authoredDate: string;
        author: { name: string; email: string; user: { login: string } | null };
      };
    }[];
  };
}

/** Spreads `total` lines over `n` files, each whole (the first files take the remainder). */
function spread(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

export function toBitbucketCloud(nodes: PrNode[]) {
  const prs = nodes.map((n) => ({
    type: 'pullrequest',
    id: n.number,
    title: n.title,
    state: 'MERGED',
    author: n.author ? { display_name: n.author.login, nickname: n.author.login, type: 'user' } : null,
    source: { branch: { name: n.headRefName } },
    destination: { branch: { name: 'main' } },
    created_on: n.createdAt,
    updated_on: n.mergedAt,
  }));
  const details: Record<string, { commits: unknown[]; diffstat: unknown[]; activity: unknown[] }> = {};
  for (const n of nodes) {
    const files = Math.max(1, n.changedFiles);
    const added = spread(n.additions, files);
    const removed = spread(n.deletions, files);
    details[String(n.number)] = {
      commits: n.commits.nodes.map(({ commit: c }) => ({
        type: 'commit',
        hash: c.oid,
        date: c.authoredDate,
        message: c.message,
        author: {
          raw: `${c.author.name} <${c.author.email}>`,
          ...(c.author.user ? { user: { nickname: c.author.user.login } } : {}),
        },
      })),
      diffstat: added.map((a, i) => ({
        type: 'diffstat',
        status: 'modified',
        lines_added: a,
        lines_removed: removed[i] ?? 0,
        old: { path: `src/module_${i}.ts` },
        new: { path: `src/module_${i}.ts` },
      })),
      activity: [{ update: { state: 'MERGED', date: n.mergedAt } }],
    };
  }
  return { prs, details };
}

interface JiraIssue {
  key: string;
  fields: {
    issuetype: { name: string };
    resolutiondate: string;
    created: string;
    updated: string;
    assignee: { accountId: string } | null;
    customfield_10016: number | null;
  };
}

const jiraIso = (t: string) => new Date(t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
const LABEL: Record<string, string> = { Story: 'feature', Bug: 'bug', Task: 'chore' };

/** Jira issues → closed GitHub Issue nodes; the assignee's GitHub login is the person's login in the org file. */
export function toGithubIssues(issues: JiraIssue[], directory: OrgDirectory) {
  const loginOf = new Map<string, string>();
  for (const p of directory.people) {
    const tracker = p.aliases.find((a) => a.kind === 'tracker_id')?.value;
    const login = p.aliases.find((a) => a.kind === 'login')?.value;
    if (tracker && login) loginOf.set(tracker, login);
  }
  // Epics are not tickets (the demo groups feature tickets under Jira epics); GitHub would carry them as milestones.
  const tickets = issues.filter((i) => i.fields.issuetype.name !== 'Epic');
  return tickets.map((i, n) => {
    const login = i.fields.assignee ? loginOf.get(i.fields.assignee.accountId) : undefined;
    const points = i.fields.customfield_10016;
    return {
      number: n + 1,
      createdAt: jiraIso(i.fields.created),
      closedAt: jiraIso(i.fields.resolutiondate),
      updatedAt: jiraIso(i.fields.updated),
      stateReason: 'COMPLETED',
      assignees: { nodes: login ? [{ login }] : [] },
      labels: {
        nodes: [LABEL[i.fields.issuetype.name], points == null ? null : `points:${points}`]
          .filter((l): l is string => typeof l === 'string')
          .map((name) => ({ name })),
      },
    };
  });
}
