import type { LogSource } from '../log-parser.js';
import { parseCopilotCliLog, SOURCE, type CopilotCliLogState } from './parse.js';

export { MAX_TOKENS_PER_REQUEST, parseCopilotCliLog, SOURCE, type CopilotCliLogState } from './parse.js';

/** `~/.copilot/otel/*.jsonl`; a file named by COPILOT_OTEL_FILE_EXPORTER_PATH is handed over by the reader. */
const OTEL_FILE = /(^|[\\/])\.copilot[\\/]otel[\\/][^\\/]+\.jsonl$/;

/** GitHub Copilot CLI OpenTelemetry file export: append-only JSONL. */
export const copilotCliLogSource: LogSource<CopilotCliLogState> = {
  source: SOURCE,
  tool: 'copilot-cli',
  appendOnly: true,
  accept: (path) => OTEL_FILE.test(path),
  parse: parseCopilotCliLog,
};
