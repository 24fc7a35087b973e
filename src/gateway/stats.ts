import { ServerStats } from '../server/stats.js';

/**
 * The gateway's counters for /metrics (Prometheus text, through the server's ServerStats): requests by
 * provider and status, refusals by reason, upstream failures, and latency and time-to-first-token sums
 * with their counts (a rate of each over the count is the mean). Labels are fixed words and statuses.
 */
export class GatewayStats {
  readonly prom = new ServerStats();

  served(provider: string, status: number, latencyMs: number, ttftMs: number | null): void {
    this.prom.inc('mileage_gateway_requests_total', 'Requests forwarded, by provider and status', {
      provider,
      status: String(status),
    });
    this.prom.inc('mileage_gateway_latency_ms_sum', 'Sum of request latencies (ms)', { provider }, latencyMs);
    if (ttftMs !== null) {
      this.prom.inc('mileage_gateway_ttft_ms_sum', 'Sum of times to first byte (ms)', { provider }, ttftMs);
      this.prom.inc('mileage_gateway_ttft_count', 'Requests with a first byte', { provider });
    }
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
