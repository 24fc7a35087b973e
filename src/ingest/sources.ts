import { parseGithubPullNodes } from '../sources/delivery/github/parse.js';
import { parseJiraSearch } from '../sources/delivery/jira/parse.js';
import { parseOutcomesCsv, parseOutcomesJsonl } from '../sources/delivery/outcomes/parse.js';
import {
  parseAnthropicCostReport,
  parseAnthropicUsageReport,
} from '../sources/spend/anthropic-admin/parse.js';
import { claudeCodeLogSource } from '../sources/spend/claude-code/parse.js';
import { parseCursorUsageEvents } from '../sources/spend/cursor/parse.js';
import {
  parseEnvoyAccessLog,
  SOURCE as ENVOY_AI_GATEWAY,
  type EnvoyAccessLogOptions,
} from '../sources/spend/envoy-ai-gateway/parse.js';
import type { Db } from '../store/db.js';
import { ingestFiles, jsonFileParser, readText, type OnFile } from './files.js';
import { ingestAgentLogs, type AgentLogSummary } from './agent-logs/ingest.js';

/**
 * One function per file-based source: find the files, parse them with the source's pure parser, append.
 * Pricing and the ledger refresh run once after a batch of sources (see ingest/finish.ts).
 */

/** Claude Code transcripts under a folder; `actorFor` names whose machine a file came from. */
export async function ingestClaudeCode(
  db: Db,
  dir: string,
  actorFor: (file: string) => string | undefined,
  onProgress?: (done: number, total: number) => void,
  repoOf?: (cwd: string) => string,
): Promise<AgentLogSummary> {
  return ingestAgentLogs(db, claudeCodeLogSource, [dir], {
    actorFor,
    ...(onProgress ? { onProgress } : {}),
    ...(repoOf ? { repoOf } : {}),
  });
}

export async function ingestAnthropicUsage(db: Db, files: string[], org: string, onFile?: OnFile) {
  return ingestFiles(
    db,
    'anthropic-usage-report',
    'usage',
    files,
    jsonFileParser((doc, file) => parseAnthropicUsageReport(doc, { file, org })),
    onFile,
  );
}

export async function ingestAnthropicCost(db: Db, files: string[], org: string, onFile?: OnFile) {
  return ingestFiles(
    db,
    'anthropic-cost-report',
    'usage',
    files,
    jsonFileParser((doc, file) => parseAnthropicCostReport(doc, { file, org })),
    onFile,
  );
}

export async function ingestGithub(db: Db, files: string[], repo: string, onFile?: OnFile) {
  return ingestFiles(
    db,
    'github',
    'outcomes',
    files,
    jsonFileParser((doc, file) => parseGithubPullNodes(doc, { file, repo })),
    onFile,
  );
}

export async function ingestOutcomes(db: Db, files: string[], onFile?: OnFile) {
  return ingestFiles(
    db,
    'outcomes-file',
    'outcomes',
    files,
    async (file) =>
      file.endsWith('.csv')
        ? parseOutcomesCsv(await readText(file), file)
        : parseOutcomesJsonl(await readText(file), file),
    onFile,
  );
}

export async function ingestCursor(db: Db, files: string[], team: string, onFile?: OnFile) {
  return ingestFiles(
    db,
    'cursor-usage-events',
    'usage',
    files,
    jsonFileParser((doc, file) => parseCursorUsageEvents(doc, { file, team })),
    onFile,
  );
}

export async function ingestJira(db: Db, files: string[], storyPointsField: string | null, onFile?: OnFile) {
  return ingestFiles(
    db,
    'jira',
    'outcomes',
    files,
    jsonFileParser((doc, file) => parseJiraSearch(doc, { file, storyPointsField })),
    onFile,
  );
}

/** Envoy AI Gateway access logs (JSON lines): one record per LLM request with usage. */
export async function ingestEnvoyAiGateway(
  db: Db,
  files: string[],
  options: EnvoyAccessLogOptions,
  onFile?: OnFile,
) {
  return ingestFiles(
    db,
    ENVOY_AI_GATEWAY,
    'usage',
    files,
    async (file) => parseEnvoyAccessLog(await readText(file), file, options),
    onFile,
  );
}
