/**
 * The server's counters, exposed at /metrics in the Prometheus text format: requests by route and status,
 * ingested records by kind, sync runs by source and result, errors by kind. Labels are route patterns and
 * fixed words, never request data, so the series stay few.
 */
/** Label sets a caller reuses (the gateway's, per provider and status) are rendered once. */
const LABEL_KEYS = new WeakMap<Record<string, string>, string>();

export class ServerStats {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  /** Gauges read when scraped (OTLP receiver and writer state). */
  private readonly gauges: { name: string; help: string; read: () => number }[] = [];

  inc(name: string, help: string, labels: Record<string, string> = {}, by = 1): void {
    const counter = this.counters.get(name) ?? { help, values: new Map<string, number>() };
    this.counters.set(name, counter);
    let key = LABEL_KEYS.get(labels);
    if (key === undefined) {
      key = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      LABEL_KEYS.set(labels, key);
    }
    counter.values.set(key, (counter.values.get(key) ?? 0) + by);
  }

  request(route: string, status: number): void {
    this.inc('mileage_http_requests_total', 'HTTP requests answered', { route, status: String(status) });
  }

  ingested(kind: string, records: number): void {
    this.inc('mileage_ingested_records_total', 'Records stored through the server', { kind }, records);
  }

  syncRun(source: string, result: 'ok' | 'failed' | 'skipped'): void {
    this.inc('mileage_sync_runs_total', 'Scheduled connector sync runs', { source, result });
  }

  error(kind: string): void {
    this.inc('mileage_errors_total', 'Errors by kind', { kind });
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push({ name, help, read });
  }

  /** A value of a counter (tests and the shutdown summary). */
  value(name: string, labels: Record<string, string> = {}): number {
    let key = LABEL_KEYS.get(labels);
    if (key === undefined) {
      key = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      LABEL_KEYS.set(labels, key);
    }
    return this.counters.get(name)?.values.get(key) ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, values }] of [...this.counters].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [key, v] of values) lines.push(`${name}${key ? `{${key}}` : ''} ${v}`);
    }
    for (const g of this.gauges) {
      lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`, `${g.name} ${g.read()}`);
    }
    return lines.join('\n') + '\n';
  }
}

export function escapeLabel(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
