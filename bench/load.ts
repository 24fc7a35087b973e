import http from 'node:http';

/** One request of a load run: where, with which headers and body. */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  requests: number;
  failed: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

/**
 * A closed-loop load generator on node:http: `connections` kept-alive connections, each sending its next
 * request as soon as the previous answer is read in full, for `seconds`. A request fails when its status is
 * not 200 or its connection breaks. `onAnswer` sees each complete answer's headers (the metering checks).
 */
export async function drive(o: {
  base: string;
  connections: number;
  seconds: number;
  request: (i: number) => LoadRequest;
  onAnswer?: (headers: http.IncomingHttpHeaders, body: Buffer) => void;
}): Promise<LoadResult> {
  const url = new URL(o.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const start = performance.now();
  const end = start + o.seconds * 1000;
  const one = (r: LoadRequest) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        {
          agent,
          method: 'POST',
          hostname: url.hostname,
          port: url.port,
          path: url.pathname.replace(/\/$/, '') + r.path,
          headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => {
            if (res.statusCode === 200) {
              latencies.push(performance.now() - t0);
              o.onAnswer?.(res.headers, Buffer.concat(parts));
            } else failed += 1;
            resolve();
          });
          res.on('error', () => {
            failed += 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed += 1;
        resolve();
      });
      req.end(r.body);
    });
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (performance.now() < end) await one(o.request(next++));
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    failed,
    seconds,
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

/**
 * An open-loop load at a fixed rate: a request every 1/rate s whatever the answers do (latency as a user at
 * that rate sees it, queueing included), over `seconds`. Returns the latency percentiles of the answers.
 */
export async function driveRate(o: {
  base: string;
  rate: number;
  seconds: number;
  request: () => LoadRequest;
}): Promise<LoadResult> {
  const url = new URL(o.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now();
  const total = Math.round(o.rate * o.seconds);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const r = o.request();
    const t0 = performance.now();
    pending.push(
      new Promise<void>((resolve) => {
        const req = http.request(
          {
            agent,
            method: 'POST',
            hostname: url.hostname,
            port: url.port,
            path: url.pathname.replace(/\/$/, '') + r.path,
            headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 200) latencies.push(performance.now() - t0);
              else failed += 1;
              resolve();
            });
          },
        );
        req.on('error', () => {
          failed += 1;
          resolve();
        });
        req.end(r.body);
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    failed,
    seconds,
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}
