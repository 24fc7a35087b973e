/**
 * Rules that join spend and delivery across sources (docs/how-numbers-are-computed.md, "Cost per PR"), shared by the store
 * (which derives them after every ledger refresh) and the metrics that explain them.
 */

/**
 * Branches that are no PR's head: sessions on them join no PR and their spend falls back to the person ×
 * period allocation. Compared ignoring case.
 */
export const DEFAULT_BRANCH_NAMES = ['main', 'master', 'trunk', 'develop', 'development', 'head'] as const;

/** Rework rule 3: a bug fix is rework when another PR linked to the same bug ticket merged this recently. */
export const BUG_FIX_REWORK_DAYS = 30;

/** How the spend attributed to a PR was found, strongest first. */
export type PrCostEvidence = 'session' | 'person_period';
