import { ServerStats } from '../server/stats.js';

/**
 * The gateway's counters for /metrics (Prometheus text, through the server's ServerStats): requests by
 * provider and status, refusals by reason, upstream failures, and latency and time-to-first-token sums
 * with their counts (a rate of each over the count is the mean). Labels are fixed words and statuses.
 */
export class GatewayStats {
  readonly prom = new ServerStats();

  served(provider: string, status: number, latencyMs: number, ttftMs: number | null): void {
    const labels = this.labels(provider, status);
    this.prom.inc(
      'mileage_gateway_requests_total',
      'Requests forwarded, by provider and status',
      labels.status,
    );
    this.prom.inc(
      'mileage_gateway_latency_ms_sum',
      'Sum of request latencies (ms)',
      labels.provider,
      latencyMs,
    );
    if (ttftMs !== null) {
      this.prom.inc(
        'mileage_gateway_ttft_ms_sum',
        'Sum of times to first byte (ms)',
        labels.provider,
        ttftMs,
      );
      this.prom.inc('mileage_gateway_ttft_count', 'Requests with a first byte', labels.provider);
    }
  }

  /** The same label objects for each provider and status, so the counters render their keys once (hot path). */
  private readonly labelSets = new Map<
    string,
    { provider: Record<string, string>; status: Record<string, string> }
  >();
  private labels(provider: string, status: number) {
    const id = `${provider} ${status}`;
    let l = this.labelSets.get(id);
    if (!l) {
      l = { provider: { provider }, status: { provider, status: String(status) } };
      this.labelSets.set(id, l);
    }
    return l;
  }

  refused(reason: string): void {
    this.prom.inc('mileage_gateway_refused_total', 'Requests refused by the gateway, by reason', { reason });
  }

  upstreamError(kind: string): void {
    this.prom.inc('mileage_gateway_upstream_errors_total', 'Upstreams unreachable or silent', { kind });
  }

  spoolFailure(): void {
    this.prom.inc(
      'mileage_gateway_spool_failures_total',
      'Records the spool could not write (kept in memory)',
    );
  }

  render(): string {
    return this.prom.render();
  }
}
