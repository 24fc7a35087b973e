/**
 * The key under which a Copilot CLI session's usage of one model counts once, whichever log it was read
 * from: spans (one per request, the originals) and the session's shutdown totals (replicas). Spans name
 * the model as the provider answered (`claude-sonnet-4.5-20250929`, `claude-sonnet-4-5`), the session log
 * as Copilot lists it (`claude-sonnet-4.5`): the key ignores case, a trailing date and dots versus dashes
 * between version digits.
 */
export function copilotCollapseKey(sessionId: string, model: string): string {
  const m = model
    .trim()
    .toLowerCase()
    .replace(/-\d{4}-?\d{2}-?\d{2}$/, '')
    .replace(/(\d)\.(?=\d)/g, '$1-');
  return `copilot-cli:${sessionId}:${m}`;
}
