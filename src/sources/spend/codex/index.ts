import { isCodexRollout } from '../log-files.js';
import type { LogSource } from '../log-parser.js';
import { parseCodexLog, SOURCE, type CodexLogState } from './parse.js';

export {
  FALLBACK_MODEL,
  MAX_TOKENS_PER_REQUEST,
  parseCodexLog,
  SOURCE,
  type CodexLogState,
} from './parse.js';

/** Codex CLI rollouts (`${CODEX_HOME:-~/.codex}/sessions/…`): append-only JSONL. */
export const codexLogSource: LogSource<CodexLogState> = {
  source: SOURCE,
  tool: 'codex',
  appendOnly: true,
  accept: isCodexRollout,
  parse: parseCodexLog,
};
