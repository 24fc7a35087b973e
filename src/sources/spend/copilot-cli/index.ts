import { isCopilotLog } from '../log-files.js';
import type { LogSource } from '../log-parser.js';
import { parseCopilotCliLog, SOURCE, type CopilotCliLogState } from './parse.js';

export { parseCopilotCliLog, SOURCE, type CopilotCliLogState } from './parse.js';

/** GitHub Copilot CLI: its session-state event logs and its OpenTelemetry file export, append-only JSONL. */
export const copilotCliLogSource: LogSource<CopilotCliLogState> = {
  source: SOURCE,
  tool: 'copilot-cli',
  appendOnly: true,
  accept: isCopilotLog,
  parse: parseCopilotCliLog,
  unrecognised: (state) =>
    state.recognised === true
      ? null
      : 'not a Copilot CLI log: no span, OpenTelemetry export or session event line',
};
