import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { LogSource } from '../log-parser.js';
import { isTaskFile } from '../log-files.js';
import { TASK_AGENTS, type TaskAgent } from './extensions.js';
import { parseTaskFile, type TaskLogState } from './parse.js';
import { modelUsageSchema, type ModelUsage } from './schema.js';

export { TASK_AGENTS, TASK_AGENT_NAMES, type TaskAgent } from './extensions.js';
export { normalise, parseTaskFile, type TaskLogState } from './parse.js';

/**
 * A Cline-family extension's task files as a local log source. Not append-only: the extension rewrites each
 * file whole on every save, so a changed file is read again whole; requests keep their ids (task + ts).
 */
export function taskAgentLogSource(agent: TaskAgent): LogSource<TaskLogState> {
  return {
    source: TASK_AGENTS[agent].source,
    tool: agent,
    appendOnly: false,
    accept: isTaskFile,
    parse: (chunk) =>
      parseTaskFile(agent, chunk, /ui_messages\.json$/i.test(chunk.file) ? taskModels(chunk.file) : []),
  };
}

const metadataSchema = z.object({ model_usage: z.array(z.unknown()).optional() });

/**
 * The model switches of the task beside a ui_messages.json (its task_metadata.json), read here at the source's
 * edge so the parser stays pure. A missing or unreadable file, or a bad entry, only leaves the model unnamed:
 * the file is the extension's bookkeeping, not a usage record.
 */
function taskModels(uiMessages: string): ModelUsage[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dirname(uiMessages), 'task_metadata.json'), 'utf8'));
  } catch {
    return [];
  }
  const doc = metadataSchema.safeParse(json);
  if (!doc.success) return [];
  return (doc.data.model_usage ?? [])
    .flatMap((u) => {
      const parsed = modelUsageSchema.safeParse(u);
      return parsed.success ? [parsed.data] : [];
    })
    .sort((a, b) => a.ts - b.ts);
}
