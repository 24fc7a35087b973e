import type { ParseResult, Problem } from '../domain/parse-result.js';
import type { UsageRecord } from '../domain/usage.js';
import type { Attributes } from './attributes.js';
import { envelopeItems, type Item } from './envelope.js';

/**
 * What a decoder returns for one request: the records, one problem per rejected item, and the count the
 * receiver reports back as OTLP `partial_success` (rejected log records, data points or spans).
 */
export interface Decoded extends ParseResult<UsageRecord> {
  rejected: number;
  /** Items read, relevant or not (for throughput figures). */
  items: number;
}

export const emptyDecoded = (): Decoded => ({ records: [], problems: [], rejected: 0, items: 0 });

/**
 * A logs or traces request decoded item by item: `decodeItem` adds each item's record, or its problem, to
 * the result. Throws MalformedPayload when the envelope itself is broken.
 */
export function decodeEachItem(
  doc: unknown,
  file: string,
  keys: Parameters<typeof envelopeItems>[1],
  decodeItem: (item: Item, file: string, out: Decoded) => void,
): Decoded {
  const out = emptyDecoded();
  const items = envelopeItems(doc, keys);
  out.items = items.length;
  for (const item of items) decodeItem(item, file, out);
  return out;
}

export function reject(out: Decoded, file: string, field: string | null, message: string): void {
  const problem: Problem = { file, line: null, field, message };
  out.problems.push(problem);
  out.rejected += 1;
}

/** Attributes of an item over those of its resource (the item's win), looked up as one set. */
export function merged(resource: Attributes, own: Attributes): Attributes {
  if (resource.size === 0) return own;
  if (own.size === 0) return resource;
  const out = new Map(resource);
  for (const [k, v] of own) out.set(k, v);
  return out;
}

/** Which agent emitted an item, from `service.name` or the scope name (for events named without prefix). */
export type Agent = 'claude_code' | 'codex' | 'gemini_cli' | null;

export function agentOf(item: Item, serviceName: string | undefined): Agent {
  const s = serviceName ?? '';
  if (s.startsWith('claude-code') || item.scope.scopeName === 'com.anthropic.claude_code')
    return 'claude_code';
  if (s.startsWith('codex')) return 'codex';
  if (s.startsWith('gemini-cli') || s.startsWith('gemini_cli')) return 'gemini_cli';
  return null;
}
