import { basename, dirname } from 'node:path';
import type { DemoManifest } from './index.js';
import { ORG as DEMO_GITHUB_OWNER } from './org.js';
import { repositoryKey } from '../domain/repository.js';
import type { OrgDirectory } from '../domain/directory.js';
import type { Db } from '../store/db.js';
import { readFile } from 'node:fs/promises';
import { GATEWAY_SOURCE } from '../gateway/record.js';
import { parseGatewayRecords } from '../gateway/shipped.js';
import { ingestFiles, type OnFile } from '../ingest/files.js';
import { finishIngest } from '../ingest/finish.js';
import type { PriceResolver, PricingSummary } from '../ingest/pricing-pass.js';
import {
  ingestAnthropicCost,
  ingestAnthropicUsage,
  ingestClaudeCode,
  ingestCursor,
  ingestGithub,
  ingestJira,
  ingestOutcomes,
} from '../ingest/sources.js';
import { mergeSummaries, type IngestSummary } from '../ingest/summary.js';

/**
 * Loads a generated demo through exactly the code real data goes through: the same parsers, the same
 * append, pricing pass and ledger. Only the identity of each laptop's transcripts is demo-specific: the
 * demo's project folders are named after `/home/<login>/src/<repo>`, as Claude Code names them.
 */
export function demoActor(file: string): string | undefined {
  let dir = dirname(file);
  while (dir !== dirname(dir)) {
    const m = /^-home-(.+?)-src-/.exec(basename(dir));
    if (m) return m[1];
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * The repository of a demo laptop's folder `/home/<login>/src/<repo>`: a clone of `git@github.com:acme/<repo>.git`,
 * the repository whose PRs the demo's GitHub files hold. The laptops' folders do not exist on this machine,
 * so their checkouts cannot be read; this is what reading them would give (the same repository key).
 */
export function demoCheckout(cwd: string): string {
  const m = /^\/home\/[^/]+\/src\/([^/]+)/.exec(cwd);
  return (m ? repositoryKey(`git@github.com:${DEMO_GITHUB_OWNER}/${m[1]}.git`) : null) ?? cwd;
}

export async function loadDemo(
  db: Db,
  manifest: DemoManifest,
  directory: OrgDirectory,
  book: PriceResolver,
  onFile?: OnFile,
): Promise<{ summary: IngestSummary; pricing: PricingSummary }> {
  await db.loadDirectory(directory);
  const of = (kind: DemoManifest['files'][number]['kind']) =>
    manifest.files.filter((f) => f.kind === kind).map((f) => f.path);
  const parts: IngestSummary[] = [];
  const claudeFiles = of('claude-code-log');
  if (claudeFiles.length) {
    const root = commonRoot(claudeFiles);
    parts.push(
      await ingestClaudeCode(db, root, demoActor, onFile ? () => onFile(root) : undefined, demoCheckout),
    );
  }
  parts.push(await ingestAnthropicUsage(db, of('anthropic-usage-report'), directory.org, onFile));
  parts.push(await ingestAnthropicCost(db, of('anthropic-cost-report'), directory.org, onFile));
  parts.push(await ingestCursor(db, of('cursor-usage-events'), directory.org, onFile));
  parts.push(await ingestJira(db, of('jira-search'), 'customfield_10016', onFile));
  for (const file of of('github-pulls')) {
    const repo = basename(file, '.json').replace('__', '/');
    parts.push(await ingestGithub(db, [file], repo, onFile));
  }
  parts.push(await ingestOutcomes(db, of('outcomes-csv'), onFile));
  parts.push(
    await ingestFiles(
      db,
      GATEWAY_SOURCE,
      'usage',
      of('gateway-records'),
      async (file) => parseGatewayRecords(await readFile(file, 'utf8'), file),
      onFile,
    ),
  );
  const pricing = await finishIngest(db, book);
  return { summary: mergeSummaries('demo', parts), pricing };
}

function commonRoot(files: string[]): string {
  const split = files.map((f) => f.split('/'));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length - 1 && split.every((parts) => parts[n] === first[n])) n++;
  return first.slice(0, n).join('/') || '/';
}
