import type { LogSource } from '../log-parser.js';
import { isTaskFile } from '../log-files.js';
import { TASK_AGENTS, type TaskAgent } from './extensions.js';
import { parseTaskFile, type TaskLogState } from './parse.js';
import { taskModels } from './task-metadata.js';

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
