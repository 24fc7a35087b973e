import { join } from 'node:path';
import { ServerLink } from '../../src/gateway/remote.js';
import { runGateway, type RunningGateway } from '../../src/gateway/run-gateway.js';

/**
 * A gateway that ships its records to a running `mileage serve` with an ingest token, in front of a mock
 * provider answering Anthropic at `mockUrl` and OpenAI at `mockUrl/v1`, spooling under `dir`. With
 * `alerts`, a key budget's crossing goes to the server's alert history as well.
 */
export async function linkedGateway(o: {
  serverUrl: string;
  token: string;
  mockUrl: string;
  dir: string;
  alerts?: boolean;
}): Promise<{ gw: RunningGateway; link: ServerLink }> {
  const link = new ServerLink(new URL(o.serverUrl), o.token);
  const gw = await runGateway({
    host: '127.0.0.1',
    port: 0,
    spoolDir: join(o.dir, 'spool'),
    upstreams: {
      anthropic: { provider: 'anthropic', base: new URL(o.mockUrl), credential: 'sk-ant-org' },
      openai: { provider: 'openai', base: new URL(`${o.mockUrl}/v1`), credential: 'sk-org' },
    },
    store: link,
    loadKeys: () => link.keys(),
    stopShipping: () => link.close(),
    ...(o.alerts ? { raiseAlert: (a: Parameters<ServerLink['alert']>[0]) => link.alert(a) } : {}),
    flushMs: 20,
    log: () => undefined,
  });
  return { gw, link };
}
