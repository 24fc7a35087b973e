import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  isClaudeTranscript,
  isCodexLog,
  isCopilotLog,
  isGeminiRecording,
  isJsonl,
} from '../../sources/spend/log-files.js';
import type { LogSource } from '../../sources/spend/log-parser.js';

/**
 * A coding agent whose local logs Mileage reads, and where they live by default (reference §1). Light on
 * purpose: the parser is loaded only when there is something to parse.
 */
export interface AgentTool {
  name: 'claude-code' | 'codex' | 'gemini' | 'copilot-cli';
  /** The source name records and read offsets are stored under. */
  source: string;
  accept: (path: string) => boolean;
  /** Files under a folder the user named: the folder says what they are. */
  acceptUnder: (path: string) => boolean;
  /** Where the tool writes, in the order the tool itself looks (environment first). */
  defaultRoots: (env: NodeJS.ProcessEnv, home: string) => string[];
  load: () => Promise<LogSource<unknown>>;
}

export const AGENT_TOOLS: readonly AgentTool[] = [
  {
    name: 'claude-code',
    source: 'claude-code-logs',
    accept: isClaudeTranscript,
    acceptUnder: isJsonl,
    defaultRoots: (env, home) => {
      const configured = (env.CLAUDE_CONFIG_DIR ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
      const dirs =
        configured.length > 0 ? configured : [join(home, '.claude'), join(home, '.config', 'claude')];
      return dirs.map((d) => join(d, 'projects'));
    },
    load: async () =>
      (await import('../../sources/spend/claude-code/parse.js')).claudeCodeLogSource as LogSource<unknown>,
  },
  {
    name: 'codex',
    source: 'codex-logs',
    accept: isCodexLog,
    acceptUnder: isCodexLog,
    defaultRoots: (env, home) => {
      const base = env.CODEX_HOME ?? join(home, '.codex');
      return [join(base, 'sessions'), join(base, 'archived_sessions')];
    },
    load: async () =>
      (await import('../../sources/spend/codex/index.js')).codexLogSource as LogSource<unknown>,
  },
  {
    name: 'gemini',
    source: 'gemini-logs',
    accept: isGeminiRecording,
    acceptUnder: isGeminiRecording,
    defaultRoots: (env, home) => [env.GEMINI_DATA_DIR ?? join(home, '.gemini', 'tmp')],
    load: async () =>
      (await import('../../sources/spend/gemini/index.js')).geminiLogSource as LogSource<unknown>,
  },
  {
    name: 'copilot-cli',
    source: 'copilot-cli-logs',
    accept: isCopilotLog,
    acceptUnder: isJsonl,
    defaultRoots: (env, home) => [
      ...(env.COPILOT_OTEL_FILE_EXPORTER_PATH ? [env.COPILOT_OTEL_FILE_EXPORTER_PATH] : []),
      join(home, '.copilot', 'otel'),
      // written by every Copilot CLI session, OpenTelemetry or not
      join(home, '.copilot', 'session-state'),
    ],
    load: async () =>
      (await import('../../sources/spend/copilot-cli/index.js')).copilotCliLogSource as LogSource<unknown>,
  },
];

export function agentTool(name: string): AgentTool | undefined {
  return AGENT_TOOLS.find((t) => t.name === name);
}

/** The default folders of a tool that exist on this machine. */
export function presentRoots(tool: AgentTool, env = process.env, home = homedir()): string[] {
  return [...new Set(tool.defaultRoots(env, home))].filter((d) => existsSync(d));
}

/** Which files to take under the roots: any JSONL under a folder the user named explicitly. */
export function acceptFor(tool: AgentTool, explicit: boolean): (path: string) => boolean {
  return explicit ? tool.acceptUnder : tool.accept;
}
