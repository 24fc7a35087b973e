/**
 * MILEAGE_TRACE=1 prints the duration of each step of a long job on stderr, for benchmarks and for finding
 * where a slow run spends its time. Off by default; never on stdout, which carries data.
 */
export function traceStep(label: string, since: number): void {
  if (process.env.MILEAGE_TRACE)
    process.stderr.write(`${label}: ${((performance.now() - since) / 1000).toFixed(2)} s\n`);
}
