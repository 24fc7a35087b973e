import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  isClaudeTranscript,
  isCodexLog,
  isCopilotLog,
  isGeminiRecording,
  isJsonl,
  isTaskFile,
} from '../../sources/spend/log-files.js';
import {
  EDITOR_DATA_FOLDERS,
  TASK_AGENTS,
  type TaskAgent,
} from '../../sources/spend/task-agents/extensions.js';
import type { LogSource } from '../../sources/spend/log-parser.js';

/**
 * A coding agent whose local logs Mileage reads, and where they live by default (reference §1). Light on
 * purpose: the parser is loaded only when there is something to parse.
 */
export interface AgentTool {
  name: 'claude-code' | 'codex' | 'gemini' | 'copilot-cli' | TaskAgent;
  /** The source name records and read offsets are stored under. */
  source: string;
  accept: (path: string) => boolean;
  /** Files under a folder the user named: the folder says what they are. */
  acceptUnder: (path: string) => boolean;
  /** Where the tool writes, in the order the tool itself looks (environment first). */
  defaultRoots: (env: NodeJS.ProcessEnv, home: string) => string[];
  /** The default folders in a few words, where listing them all would not help (every editor on every OS). */
  rootsHint?: string;
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
  ...(Object.keys(TASK_AGENTS) as TaskAgent[]).map(taskAgentTool),
];

/**
 * Where VS Code and its forks keep extensions' global storage (`<user data>/User/globalStorage`), on Linux
 * (`$XDG_CONFIG_HOME`, default ~/.config), macOS (~/Library/Application Support) and Windows (`%APPDATA%`),
 * for each editor of EDITOR_DATA_FOLDERS, and in a VS Code, Cursor or Windsurf server's remote data.
 */
export function editorGlobalStorages(env: NodeJS.ProcessEnv, home: string): string[] {
  const bases = [
    env.XDG_CONFIG_HOME || join(home, '.config'),
    join(home, 'Library', 'Application Support'),
    env.APPDATA || join(home, 'AppData', 'Roaming'),
  ];
  const local = bases.flatMap((b) => EDITOR_DATA_FOLDERS.map((e) => join(b, e, 'User', 'globalStorage')));
  const remote = ['.vscode-server', '.vscode-server-insiders', '.cursor-server', '.windsurf-server'].map(
    (d) => join(home, d, 'data', 'User', 'globalStorage'),
  );
  return [...local, ...remote];
}

function taskAgentTool(agent: TaskAgent): AgentTool {
  const { extensionId, source } = TASK_AGENTS[agent];
  return {
    name: agent,
    source,
    accept: isTaskFile,
    acceptUnder: isTaskFile,
    // The task folders and the state folder only (Cline keeps its checkpoints, shadow git repositories,
    // beside them; Roo Code and Kilo Code keep theirs inside each task folder, where the walk passes them).
    defaultRoots: (env, home) =>
      editorGlobalStorages(env, home).flatMap((g) => [
        join(g, extensionId, 'tasks'),
        join(g, extensionId, 'state'),
      ]),
    rootsHint: `<editor>/User/globalStorage/${extensionId}/ for VS Code, Insiders, Cursor, Windsurf and VSCodium`,
    load: async () =>
      (await import('../../sources/spend/task-agents/index.js')).taskAgentLogSource(
        agent,
      ) as LogSource<unknown>,
  };
}

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
