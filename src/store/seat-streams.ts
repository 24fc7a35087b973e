/**
 * A seat's billing stream is `seat:<tool>:<holder>` (the ledger's seat cells), so its name identifies a
 * person. Where people may not be named, every output folds each tool's seats into one stream, `seat:<tool>`:
 * this is that fold, as SQL over a stream column.
 */
export function seatStreamPerTool(column: string): string {
  return `regexp_replace(${column}, '^seat:([^:]+):.+$', 'seat:\\1')`;
}
