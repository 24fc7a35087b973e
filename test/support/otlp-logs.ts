/** OTLP/HTTP JSON helpers for receiver tests: Claude Code `api_request` log events (reference §2.1). */

const attr = (key: string, value: string | number) =>
  typeof value === 'string'
    ? { key, value: { stringValue: value } }
    : Number.isInteger(value)
      ? { key, value: { intValue: String(value) } }
      : { key, value: { doubleValue: value } };

export interface ApiRequest {
  requestId: string;
  cost?: number | string;
  inputTokens?: number;
}

/** An ExportLogsServiceRequest of `api_request` events, one per entry, on 2026-07-02. */
export function apiRequestLogs(requests: readonly ApiRequest[]): string {
  const t0 = 1_783_000_000_000;
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', 'claude-code'), attr('service.version', '2.1.140')] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code' },
            logRecords: requests.map((r, i) => ({
              timeUnixNano: `${t0 + i}000000`,
              body: { stringValue: 'claude_code.api_request' },
              attributes: [
                attr('event.name', 'api_request'),
                attr('event.timestamp', new Date(t0 + i).toISOString()),
                attr('session.id', 'sess-security'),
                attr('user.email', 'dev@example.com'),
                attr('model', 'claude-sonnet-4-6'),
                attr('input_tokens', r.inputTokens ?? 40),
                attr('output_tokens', 400),
                attr('cache_read_tokens', 0),
                attr('cache_creation_tokens', 0),
                typeof r.cost === 'string'
                  ? { key: 'cost_usd', value: { stringValue: r.cost } }
                  : { key: 'cost_usd', value: { doubleValue: r.cost ?? 0.0125 } },
                attr('request_id', r.requestId),
              ],
            })),
          },
        ],
      },
    ],
  });
}
