import { recordId } from '../domain/ids.js';
import type { ParseResult, Problem } from '../domain/parse-result.js';
import type { UsageRecord } from '../domain/usage.js';
import { reviveRecord, type SpooledRecord } from '../server/spool.js';
import { GATEWAY_SOURCE } from './record.js';

/**
 * A gateway record as shipped or spooled (JSON), or why it is refused: only gateway request records, each
 * under the id its own request id gives, so whoever may ship gateway records can never replace another
 * source's record (the same rule as the ingest API's namespaces).
 */
export function shippedRecord(
  raw: unknown,
): { ok: true; record: UsageRecord } | { ok: false; message: string } {
  let r: UsageRecord;
  try {
    r = reviveRecord(raw as SpooledRecord);
  } catch {
    return { ok: false, message: 'not a usage record' };
  }
  const requestId = r.served?.requestId;
  if (r.source !== GATEWAY_SOURCE || r.granularity !== 'request' || !requestId)
    return { ok: false, message: 'only gateway request records are taken here' };
  if (r.id !== recordId(GATEWAY_SOURCE, requestId))
    return { ok: false, message: `record ${r.id} does not carry the id of its request` };
  return { ok: true, record: r };
}

/** A file of gateway records, one JSON record a line (a spool's lines may hold arrays of them). */
export function parseGatewayRecords(text: string, file: string): ParseResult<UsageRecord> {
  const records: UsageRecord[] = [];
  const problems: Problem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (e) {
      problems.push({ file, line: i + 1, field: null, message: `invalid JSON: ${(e as Error).message}` });
      return;
    }
    for (const raw of Array.isArray(doc) ? (doc as unknown[]) : [doc]) {
      const r = shippedRecord(raw);
      if (r.ok) records.push(r.record);
      else problems.push({ file, line: i + 1, field: null, message: r.message });
    }
  });
  return { records, problems };
}
