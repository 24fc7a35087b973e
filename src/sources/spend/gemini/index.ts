import { isGeminiRecording } from '../log-files.js';
import type { LogSource } from '../log-parser.js';
import { parseGeminiLog, SOURCE, type GeminiLogState } from './parse.js';

export { normalise, parseGeminiLog, SOURCE, type GeminiLogState } from './parse.js';

/**
 * Gemini CLI chat recordings (`${GEMINI_DATA_DIR:-~/.gemini/tmp}/<projectHash>/chats/`). Not append-only:
 * `.json` recordings are rewritten whole on every save, so a changed file is read again from the start;
 * records keep their ids (session id + message id), so a re-read stores nothing twice.
 */
export const geminiLogSource: LogSource<GeminiLogState> = {
  source: SOURCE,
  tool: 'gemini-cli',
  appendOnly: false,
  accept: isGeminiRecording,
  parse: parseGeminiLog,
};
