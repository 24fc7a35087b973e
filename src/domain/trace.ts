/**
 * MILEAGE_TRACE=1 prints the duration of each step of a long job on stderr, with the process's CPU time
 * (every thread's, DuckDB's included) since the previous step and its peak memory so far, for benchmarks
 * and for finding where a slow run spends its time. Off by default; never on stdout, which carries data.
 * CPU time says where the work is when a shared machine makes wall time a measure of the others' load.
 */
let lastCpu: NodeJS.CpuUsage | undefined;

export function traceStep(label: string, since: number): void {
  if (process.env.MILEAGE_TRACE) {
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    process.stderr.write(
      `${label}: ${((performance.now() - since) / 1000).toFixed(2)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (peak ${peakMb} MB)\n`,
    );
  }
}
