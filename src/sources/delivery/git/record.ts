import { recordId } from '../../../domain/ids.js';
import { DIRECT_PUSH_KIND, PR_KIND, type OutcomeRecord } from '../../../domain/outcome.js';
import { sizePoints } from '../../../domain/points.js';
import { ticketKeys } from '../ticket-keys.js';
import { categoryOfWork } from './category.js';
import type { UnitSize } from './diffs.js';
import { YOUNG_DAYS, type Churn } from './rework.js';
import { reworkVerdict } from './rework-rule.js';
import type { MergedUnit } from './units.js';

export const SOURCE = 'git';

/**
 * `commit markers: claude-code, cursor (2 of 5 commits)`, and where branch commits came from a local ref:
 * `commit markers: claude-code (1 of 3 commits; 2 from refs/pull/5/head)`.
 */
function evidence(unit: MergedUnit): string | null {
  if (unit.tools.length === 0) return null;
  const from = unit.headRef ? `; ${unit.refCommits} from ${unit.headRef}` : '';
  return `commit markers: ${unit.tools.join(', ')} (${unit.aiCommits} of ${unit.commitsChecked} commit${unit.commitsChecked === 1 ? '' : 's'}${from})`;
}

/**
 * The outcome kind of a unit: every PR (merge, squash, rebase) is a merged PR; a direct push is one only in a
 * repository declared trunk-based, where the commit is the unit of delivery.
 */
export function outcomeKindOf(unit: Pick<MergedUnit, 'kind'>, trunkBased: boolean): string {
  return unit.kind === 'direct_push' && !trunkBased ? DIRECT_PUSH_KIND : PR_KIND;
}

/**
 * The outcome record of a merged unit. The id is the repository identity and the unit's last commit, so
 * re-reading history (a force push, a full walk) stores nothing twice. `churn` is absent for units outside
 * the rework window: only reverts and regression fixes make them rework. `recentPrs`: PR number → merge time.
 */
export function outcomeOfUnit(
  repo: string,
  unit: MergedUnit,
  size: UnitSize | undefined,
  churn: (Churn & { changed: number }) | undefined,
  recentPrs: ReadonlyMap<string, number>,
  trunkBased = false,
): OutcomeRecord {
  const reason = reworkVerdict(unit, churn, recentPrs, YOUNG_DAYS);
  const { category, workType } = categoryOfWork(unit.title, unit.headBranch);
  return {
    id: recordId(SOURCE, repo, unit.sha),
    source: SOURCE,
    kind: outcomeKindOf(unit, trunkBased),
    unitKind: unit.kind,
    changedLines: churn ? churn.changed : null,
    youngLines: churn ? churn.young : null,
    at: new Date(unit.mergedAt * 1000),
    openedAt:
      unit.firstCommitAt === null ? null : new Date(Math.min(unit.firstCommitAt, unit.mergedAt) * 1000),
    actor: unit.authorEmail || null,
    repo,
    ref: unit.ref,
    headBranch: unit.headBranch,
    linkedTickets: [...new Set([...ticketKeys(unit.title, unit.headBranch ?? ''), ...unit.closes])],
    size: size
      ? {
          additions: size.additions,
          deletions: size.deletions,
          files: size.files,
          effectiveLines: size.effectiveLines,
        }
      : null,
    points: size ? sizePoints(size.effectiveLines, size.effectiveFiles) : null,
    pointsBasis: size ? 'size_model' : null,
    aiAssisted: unit.tools.length > 0,
    aiEvidence: evidence(unit),
    rework: reason !== null,
    reworkReason: reason,
    category,
    workType,
    workflow: null,
    count: 1,
    value: null,
  };
}
