import { isCodexLog } from '../log-files.js';
import type { LogSource } from '../log-parser.js';
import { parseCodexBytes, parseCodexLog, SOURCE, type CodexLogState } from './parse.js';

export { FALLBACK_MODEL, parseCodexBytes, parseCodexLog, SOURCE, type CodexLogState } from './parse.js';

/** Codex CLI rollouts (`${CODEX_HOME:-~/.codex}/sessions/…`): append-only JSONL. */
export const codexLogSource: LogSource<CodexLogState> = {
  source: SOURCE,
  tool: 'codex',
  appendOnly: true,
  accept: isCodexLog,
  parse: parseCodexLog,
  parseBytes: parseCodexBytes,
  unrecognised: (state) =>
    !state.metaSeen && state.sessionId === null && state.lastTotal === null && state.model === null
      ? 'not a Codex rollout: no session_meta, turn_context or token_count line'
      : null,
};
