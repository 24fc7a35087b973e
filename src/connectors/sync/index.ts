/** The sync layer every connector shares: the connector contract, per-source cursors, the runner. */
export { later, newest, type Connector, type SyncFrom, type SyncPage } from './connector.js';
export { cursorKey, readCursor, type SyncCursor } from './cursor.js';
export { runSync, type SyncOptions, type SyncProgress, type SyncSummary } from './runner.js';
