/**
 * Which files each agent's logs are, by name alone. Kept apart from the parsers (and their schemas) so a
 * re-run that only needs to see whether anything changed loads none of them.
 */
const ROLLOUT = /(^|[\\/])rollout-[^\\/]*\.jsonl$/;
const RECORDING = /(^|[\\/])chats[\\/]([^\\/]+[\\/])?[^\\/]+\.jsonl?$/i;
const COPILOT_OTEL = /(^|[\\/])\.copilot[\\/]otel[\\/][^\\/]+\.jsonl$/;

export const isJsonl = (path: string) => path.endsWith('.jsonl');
/** Claude Code: `projects/<project>/<session>.jsonl` and `<session>/subagents/agent-<id>.jsonl`. */
export const isClaudeTranscript = isJsonl;
/** Codex: `sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`, also under `archived_sessions/`. */
export const isCodexRollout = (path: string) => ROLLOUT.test(path);
/** Gemini CLI: `<projectHash>/chats/*.json[l]`, and subagents' `chats/<parent session>/<id>.jsonl`. */
export const isGeminiRecording = (path: string) => RECORDING.test(path);
/** Copilot CLI: `~/.copilot/otel/*.jsonl`. */
export const isCopilotOtelFile = (path: string) => COPILOT_OTEL.test(path);
