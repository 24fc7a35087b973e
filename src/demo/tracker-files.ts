import type { Pr } from './delivery.js';
import { ORG } from './org.js';
import type { Rng } from './rng.js';
import { demoEpics, type DemoEpic } from './epics.js';

/**
 * Delivery files: merged PRs as GitHub GraphQL PullRequest nodes (reference §8.1) and the tickets they
 * closed as Jira search/jql pages (§8.3).
 */

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Jira writes `2026-07-02T15:52:00.000+0000`. */
const jiraDate = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const HOUR = 3_600_000;

const LABELS: Record<Pr['kind'], string[]> = {
  feature: ['feature'],
  bug: ['bug'],
  chore: ['chore'],
  regression: ['regression'],
  revert: [],
};

export function prNode(pr: Pr, rng: Rng): unknown {
  const mergedMs = pr.mergedMs ?? 0;
  const createdMs = Math.min(mergedMs - HOUR, pr.openedMs + HOUR + rng.int(3 * HOUR));
  const actor = { name: pr.author.name, email: pr.author.email, user: { login: pr.author.login } };
  return {
    number: pr.number,
    title: pr.title,
    url: `https://github.com/${ORG}/${pr.repo}/pull/${pr.number}`,
    createdAt: iso(createdMs),
    mergedAt: iso(mergedMs),
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: pr.files,
    headRefName: pr.branch,
    author: { login: pr.author.login },
    mergedBy: { login: pr.mergedBy },
    labels: { nodes: LABELS[pr.kind].map((name) => ({ name })) },
    commits: {
      totalCount: pr.commits.length,
      nodes: pr.commits.map((c) => ({
        commit: {
          oid: c.oid,
          message: c.message,
          committedDate: iso(c.ms),
          authoredDate: iso(c.ms),
          author: actor,
        },
      })),
    },
  };
}

/** One file per repository: the merged PRs in number order. */
export function githubFiles(prs: Pr[], rng: Rng): Map<string, string> {
  const byRepo = new Map<string, Pr[]>();
  for (const pr of prs) {
    if (pr.mergedMs === null) continue;
    byRepo.set(pr.repo, [...(byRepo.get(pr.repo) ?? []), pr]);
  }
  const files = new Map<string, string>();
  for (const repo of [...byRepo.keys()].sort()) {
    const nodes = (byRepo.get(repo) ?? []).sort((a, b) => a.number - b.number).map((pr) => prNode(pr, rng));
    files.set(`github/${ORG}__${repo}.json`, JSON.stringify(nodes) + '\n');
  }
  return files;
}

const ISSUE_TYPE: Record<Pr['kind'], string> = {
  feature: 'Story',
  bug: 'Bug',
  regression: 'Bug',
  chore: 'Task',
  revert: 'Task',
};

/** Closed tickets of merged PRs, 100 per page, oldest resolution first, chained by nextPageToken. */
export function jiraFiles(prs: Pr[], rng: Rng): Map<string, string> {
  const done = prs
    .filter((p) => p.ticket !== null && p.mergedMs !== null)
    .map((p) => ({ pr: p, resolvedMs: (p.mergedMs ?? 0) + 5 * 60_000 + rng.int(2 * HOUR) }))
    .sort((a, b) => a.resolvedMs - b.resolvedMs);
  const { epics, parentOf } = demoEpics(done);
  const tickets = done.map(({ pr, resolvedMs }, i) => {
    const key = pr.ticket ?? '';
    const id = String(10412 + i);
    const type = ISSUE_TYPE[pr.kind];
    return {
      id,
      key,
      self: `https://${ORG}.atlassian.net/rest/api/3/issue/${id}`,
      fields: {
        issuetype: { name: type, subtask: false, hierarchyLevel: 0 },
        status: { name: 'Done', statusCategory: { id: 3, key: 'done', name: 'Done' } },
        resolution: { name: 'Done' },
        resolutiondate: jiraDate(resolvedMs),
        created: jiraDate(pr.openedMs - (1 + rng.int(10)) * 24 * HOUR),
        updated: jiraDate(resolvedMs),
        project: { key: key.split('-')[0] ?? '' },
        assignee: { accountId: pr.author.trackerId, displayName: pr.author.name },
        customfield_10016: pr.storyPoints,
        ...parentField(parentOf.get(key)),
      },
      // The status change that started the work (expand=changelog): when the PR's work began.
      changelog: startedLog(pr.openedMs),
      resolvedMs,
    };
  });
  const issues = [...tickets, ...epics.map((e, i) => epicIssue(e, i))]
    .sort((a, b) => a.resolvedMs - b.resolvedMs)
    .map(({ resolvedMs: _, ...issue }) => issue);
  const files = new Map<string, string>();
  const pages = Math.max(1, Math.ceil(issues.length / 100));
  for (let i = 0; i < pages; i++) {
    const last = i === pages - 1;
    const page = {
      issues: issues.slice(i * 100, (i + 1) * 100),
      ...(last ? { isLast: true } : { nextPageToken: `CAEaAggD${i + 1}`, isLast: false }),
    };
    files.set(`jira/search-${String(i + 1).padStart(4, '0')}.json`, JSON.stringify(page) + '\n');
  }
  return files;
}

const EPIC_TYPE = { name: 'Epic', subtask: false, hierarchyLevel: 1 };

function parentField(epic: string | undefined) {
  return epic ? { parent: { key: epic, fields: { issuetype: EPIC_TYPE } } } : {};
}

function startedLog(ms: number) {
  return {
    startAt: 0,
    maxResults: 1,
    total: 1,
    histories: [
      {
        id: String(ms / 1000),
        created: jiraDate(ms),
        items: [{ field: 'status', fieldtype: 'jira', fromString: 'To Do', toString: 'In Progress' }],
      },
    ],
  };
}

function epicIssue(e: DemoEpic, index: number) {
  const id = String(1_000_000 + index);
  return {
    id,
    key: e.key,
    self: `https://${ORG}.atlassian.net/rest/api/3/issue/${id}`,
    fields: {
      issuetype: EPIC_TYPE,
      status: { name: 'Done', statusCategory: { id: 3, key: 'done', name: 'Done' } },
      resolution: { name: 'Done' },
      resolutiondate: jiraDate(e.resolvedMs),
      created: jiraDate(e.createdMs),
      updated: jiraDate(e.resolvedMs),
      project: { key: e.key.split('-')[0] ?? '' },
      assignee: { accountId: e.assignee.trackerId, displayName: e.assignee.name },
    },
    resolvedMs: e.resolvedMs,
  };
}
