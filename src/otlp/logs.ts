import type { UsageRecord } from '../domain/usage.js';
import { attributes, CountError, isBad, text, type Attributes } from './attributes.js';
import { claudeApiRequest } from './claude-code.js';
import { codexUsage, isCodexUsageEvent } from './codex.js';
import { agentOf, decodeEachItem, merged, reject, type Agent, type Decoded } from './decoded.js';
import { isObject, nanosToDate, type Item } from './envelope.js';
import { geminiApiResponse } from './gemini-cli.js';
import { MAX_TOKENS_PER_REQUEST } from './limits.js';
import { totalTokens } from '../domain/usage.js';

/**
 * The names an event goes by: the LogRecord `eventName` field (recent protos), the `event.name` attribute
 * and the body's string. Claude Code writes `claude_code.api_request` in the body and a bare `api_request`
 * in `event.name` (reference §2.1): a bare name is qualified with the agent's prefix.
 */
function eventName(raw: Record<string, unknown>, a: Attributes, agent: Agent): string | undefined {
  const candidates: string[] = [];
  if (typeof raw.eventName === 'string' && raw.eventName !== '') candidates.push(raw.eventName);
  const attr = text(a, 'event.name');
  if (attr) candidates.push(attr);
  if (isObject(raw.body) && typeof raw.body.stringValue === 'string') candidates.push(raw.body.stringValue);
  const qualified = candidates.find((c) => c.includes('.'));
  if (qualified) return qualified;
  const bare = candidates[0];
  return bare && agent ? `${agent}.${bare}` : bare;
}

/** When an event happened: its `event.timestamp` (ISO-8601), else the record's time, else when observed. */
function eventTime(raw: Record<string, unknown>, a: Attributes): Date | null {
  const iso = text(a, 'event.timestamp');
  if (iso) {
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return nanosToDate(raw.timeUnixNano) ?? nanosToDate(raw.observedTimeUnixNano);
}

type EventDecoder = (a: Attributes, at: Date) => UsageRecord;

function decoderFor(name: string, a: Attributes): EventDecoder | null {
  if (name === 'claude_code.api_request') return claudeApiRequest;
  if (name === 'gemini_cli.api_response') return geminiApiResponse;
  if (isCodexUsageEvent(name, a)) return codexUsage;
  return null;
}

/**
 * An ExportLogsServiceRequest (`/v1/logs`) to usage records: one per usage event of Claude Code
 * (`api_request`), Codex (`sse_event` response.completed) and Gemini CLI (`api_response`). Every other log
 * record is ignored without a word. A usage event with a bad count, amount or time is rejected with the
 * reason; the others are kept. Throws MalformedPayload when the envelope itself is broken.
 */
export function decodeLogs(doc: unknown, file: string): Decoded {
  return decodeEachItem(
    doc,
    file,
    { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' },
    decodeLogRecord,
  );
}

function decodeLogRecord(item: Item, file: string, out: Decoded): void {
  const own = attributes(item.raw.attributes);
  if (isBad(own)) {
    reject(out, file, `${item.path}.${own.bad}`, 'not a KeyValue');
    return;
  }
  const a = merged(item.scope.resource, own);
  const name = eventName(item.raw, a, agentOf(item, text(a, 'service.name')));
  if (!name) return;
  const decode = decoderFor(name, a);
  if (!decode) return;
  const at = eventTime(item.raw, a);
  if (!at) {
    reject(out, file, `${item.path}.timeUnixNano`, `${name} without a time`);
    return;
  }
  try {
    const record = decode(a, at);
    const total = totalTokens(record.tokens);
    if (total > MAX_TOKENS_PER_REQUEST) {
      reject(out, file, `${item.path}.attributes`, `absurd token count ${total} in one request`);
      return;
    }
    out.records.push(record);
  } catch (error) {
    if (!(error instanceof CountError)) throw error;
    reject(out, file, `${item.path}.attributes.${error.field}`, error.message);
  }
}
