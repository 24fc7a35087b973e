/**
 * The governance folder's public API: budgets and alert rules read from mileage.yaml, evaluated over the
 * store, kept in the alert history and sent to the coach's channels. `raiseAlert` lets another part of
 * Mileage (the gateway's per-key soft budgets) raise an alert through the same history, routing, privacy
 * and channels.
 */
export type { AlertCandidate, AlertMessage } from './alert.js';
export { governanceFor, loadGovernance, parseGovernance } from './config-file.js';
export type { Budget, GovernanceSettings } from './config.js';
export { gatewayBudgetCandidate, type KeyBudgetCrossing } from './gateway-alert.js';
export { acknowledgeAlert, listAlerts, muteAlert, type StoredAlert } from './history.js';
export {
  raiseAlert,
  runAlerts,
  type AlertRunOptions,
  type AlertRunSummary,
  type GovernanceRuntime,
  type SentAlert,
} from './run.js';
