/**
 * Which files each agent's logs are, by name alone. Kept apart from the parsers (and their schemas) so a
 * re-run that only needs to see whether anything changed loads none of them.
 */
const RECORDING = /(^|[\\/])chats[\\/]([^\\/]+[\\/])?[^\\/]+\.jsonl?$/i;
const CODEX_HISTORY = /(^|[\\/])history\.jsonl$/;
const COPILOT_OTEL = /(^|[\\/])\.copilot[\\/]otel[\\/][^\\/]+\.jsonl$/;
const COPILOT_SESSION = /(^|[\\/])session-state[\\/][^\\/]+[\\/]events\.jsonl$/;

export const isJsonl = (path: string) => path.endsWith('.jsonl');
/** Claude Code: `projects/<project>/<session>.jsonl` and `<session>/subagents/agent-<id>.jsonl`. */
export const isClaudeTranscript = isJsonl;
/**
 * Codex: `sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`, also under `archived_sessions/`.
 * Every JSONL file under Codex's folders is read: a rollout renamed or copied under another name is read too (its
 * content says whether it is one; one that is not is reported, never skipped without a word). Codex's
 * prompt history (`~/.codex/history.jsonl`, when the user names `~/.codex`) is known not to be one.
 */
export const isCodexLog = (path: string) => isJsonl(path) && !CODEX_HISTORY.test(path);
/** Gemini CLI: `<projectHash>/chats/*.json[l]`, and subagents' `chats/<parent session>/<id>.jsonl`. */
export const isGeminiRecording = (path: string) => RECORDING.test(path);
/**
 * Copilot CLI: its own session log `~/.copilot/session-state/<session id>/events.jsonl` (always written),
 * and the OpenTelemetry file export `~/.copilot/otel/*.jsonl` (when enabled).
 */
export const isCopilotLog = (path: string) => COPILOT_OTEL.test(path) || COPILOT_SESSION.test(path);

const TASK_FILE = /(^|[\\/])tasks[\\/][^\\/]+[\\/]ui_messages\.json$|(^|[\\/])state[\\/]taskHistory\.json$/i;
/**
 * Cline, Roo Code and Kilo Code: `tasks/<task id>/ui_messages.json` and `state/taskHistory.json` under the
 * extension's globalStorage folder (the folder names the extension, so the roots decide which one).
 */
export const isTaskFile = (path: string) => TASK_FILE.test(path);
