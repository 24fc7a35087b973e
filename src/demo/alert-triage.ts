import { makeRng } from './rng.js';

/**
 * The demo's audit dataset: synthetic production alerts with known severities (1 = page now … 4 = ticket),
 * each a request in Anthropic's Messages format as the alert-triage bot sends it, with the severity as the
 * reference answer and `sev1` tagged. No real system, person or content: services and metrics are invented.
 */
export interface AlertCase {
  id: string;
  format: 'anthropic-messages';
  request: {
    max_tokens: number;
    system: string;
    messages: { role: 'user'; content: string }[];
  };
  reference: { severity: number; team: string };
  tags: string[];
}

export const TRIAGE_SYSTEM =
  'You triage production alerts. Reply with JSON only: {"severity": 1-4, "team": "<owning team>"}. ' +
  'Severity 1: customer-facing outage or data loss; 2: degraded service; 3: risk without impact yet; 4: noise.';

const SERVICES = [
  { name: 'payments-api', team: 'payments' },
  { name: 'checkout-web', team: 'storefront' },
  { name: 'search-indexer', team: 'search' },
  { name: 'auth-gateway', team: 'identity' },
  { name: 'ledger-db', team: 'platform' },
  { name: 'email-worker', team: 'growth' },
] as const;

const SIGNALS = [
  { metric: 'error_rate', unit: '%', bySeverity: [25, 8, 3, 0.6] },
  { metric: 'p99_latency', unit: 'ms', bySeverity: [9000, 2500, 900, 420] },
  { metric: 'queue_depth', unit: '', bySeverity: [250000, 40000, 9000, 1200] },
  { metric: 'disk_used', unit: '%', bySeverity: [99.5, 95, 88, 81] },
] as const;

/** The alert id a request mentions (`ALERT alert-0042 …`): how the local provider servers recognise a case. */
export function alertIdOf(prompt: string): string | null {
  return /ALERT (alert-\d+)/.exec(prompt)?.[1] ?? null;
}

export function alertTriageCases(count: number, seed = 20): AlertCase[] {
  const rng = makeRng(seed).fork('alert-triage');
  const cases: AlertCase[] = [];
  for (let i = 1; i <= count; i++) {
    // One alert in ten is severity 1; the rest spread over 2–4.
    const severity = rng.chance(0.1) ? 1 : 2 + rng.int(3);
    const service = rng.pick(SERVICES);
    const signal = rng.pick(SIGNALS);
    const value = (signal.bySeverity[severity - 1] as number) * rng.between(0.9, 1.1);
    const id = `alert-${String(i).padStart(4, '0')}`;
    const content =
      `ALERT ${id} service=${service.name} metric=${signal.metric} value=${value.toFixed(1)}${signal.unit} ` +
      `window=5m customers_affected=${severity === 1 ? 'yes' : severity === 2 ? 'some' : 'no'}`;
    cases.push({
      id,
      format: 'anthropic-messages',
      request: { max_tokens: 64, system: TRIAGE_SYSTEM, messages: [{ role: 'user', content }] },
      reference: { severity, team: service.team },
      tags: severity === 1 ? ['sev1'] : [],
    });
  }
  return cases;
}

export function toJsonl(cases: readonly AlertCase[]): string {
  return cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
}
