import { duckdbDialect } from '../sql/duckdb-dialect.js';
import { identityViews } from '../sql/identity-views.js';

export { undirectedPerson } from '../sql/identity-views.js';

/** The identity-resolved views (sql/identity-views.ts) as DuckDB creates them at open. */
export const IDENTITY_VIEWS = identityViews(duckdbDialect, { usage: 'usage', outcomes: 'outcomes' })
  .map((s) => `${s};`)
  .join('\n');
