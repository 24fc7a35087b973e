/**
 * The VS Code agents that keep Cline's task-history format: Cline itself and its two forks, Roo Code (from
 * Cline) and Kilo Code (from Roo Code). Each writes under the editor's `globalStorage/<extension id>/`:
 * `tasks/<task id>/ui_messages.json` (the chat as shown, one `api_req_started` message per API request with its
 * usage) and, in Cline, `state/taskHistory.json` (one summary per task). The ids are the marketplace ids the
 * editors name the folders after, lowercased as VS Code writes them.
 */
export const TASK_AGENTS = {
  'roo-code': { extensionId: 'rooveterinaryinc.roo-cline', source: 'roo-code-logs', label: 'Roo Code' },
  cline: { extensionId: 'saoudrizwan.claude-dev', source: 'cline-logs', label: 'Cline' },
  'kilo-code': { extensionId: 'kilocode.kilo-code', source: 'kilo-code-logs', label: 'Kilo Code' },
} as const satisfies Record<string, { extensionId: string; source: string; label: string }>;

export type TaskAgent = keyof typeof TASK_AGENTS;

export const TASK_AGENT_NAMES = Object.keys(TASK_AGENTS) as TaskAgent[];

/**
 * The editors that host them, by the folder name of their user data (`<data>/User/globalStorage`): VS Code,
 * VS Code Insiders, Cursor and Windsurf, plus VSCodium and a VS Code server's remote data.
 */
export const EDITOR_DATA_FOLDERS = ['Code', 'Code - Insiders', 'Cursor', 'Windsurf', 'VSCodium'] as const;
