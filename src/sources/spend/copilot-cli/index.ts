import { isCopilotOtelFile } from '../log-files.js';
import type { LogSource } from '../log-parser.js';
import { parseCopilotCliLog, SOURCE, type CopilotCliLogState } from './parse.js';

export { MAX_TOKENS_PER_REQUEST, parseCopilotCliLog, SOURCE, type CopilotCliLogState } from './parse.js';

/** GitHub Copilot CLI OpenTelemetry file export: append-only JSONL. */
export const copilotCliLogSource: LogSource<CopilotCliLogState> = {
  source: SOURCE,
  tool: 'copilot-cli',
  appendOnly: true,
  accept: isCopilotOtelFile,
  parse: parseCopilotCliLog,
};
