import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The floor the gateway is measured against (issue 21: "a 43-line plain Node proxy reaches 10–15x Portkey"):
 * node:http in front of the mock, a kept-alive agent, the request body and the answer piped through
 * unread, nothing metered or stored. `node --import tsx bench/plain-proxy-main.ts <upstream URL>` prints its
 * own URL and serves until killed. OpenAI paths (`/v1/…`) go to `<upstream>/v1/…` as the gateway sends them.
 */
const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:1');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

const server = http.createServer((req, res) => {
  const headers = { ...req.headers, host: upstream.host };
  delete headers.connection;
  const out = http.request(
    {
      agent,
      method: req.method,
      hostname: upstream.hostname,
      port: upstream.port,
      path: req.url,
      headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(out);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
