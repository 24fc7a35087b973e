/**
 * MILEAGE_TRACE=1 prints the duration of each step of a long job on stderr, with the process's peak memory so
 * far, for benchmarks and for finding where a slow run spends its time. Off by default; never on stdout,
 * which carries data.
 */
export function traceStep(label: string, since: number): void {
  if (process.env.MILEAGE_TRACE) {
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stderr.write(
      `${label}: ${((performance.now() - since) / 1000).toFixed(2)} s (peak ${peakMb} MB)\n`,
    );
  }
}
