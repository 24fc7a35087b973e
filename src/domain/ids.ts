import { createHash, hash } from 'node:crypto';

/**
 * Deterministic record id: the idempotency key. The same source and natural key always give the same id,
 * so ingesting a record twice stores it once.
 */
export function recordId(source: string, ...naturalKey: (string | number | null | undefined)[]): string {
  let text = source;
  for (const part of naturalKey) text += `\u0000${part ?? ''}`;
  // One-shot hashing (the same digest as feeding the parts in turn): half the cost of a Hash object, which
  // mattered at one id per request of an agent-log ingest.
  return hash('sha256', text, 'hex').slice(0, 32);
}

/**
 * Identity values (emails, logins, key ids) are stored as this hash; the directory's aliases are hashed the
 * same way so identity resolves at query time without keeping the raw value.
 */
export function identityHash(value: string): string {
  return `h:${createHash('sha256').update(value.trim().toLowerCase()).digest('hex').slice(0, 24)}`;
}

/** A display hint that cannot be used to recover a secret: `ana@acme.com` → `a••@acme.com`, `sk-ant-…Xy9`. */
export function redact(value: string): string {
  const v = value.trim();
  const at = v.indexOf('@');
  if (at > 0) return `${v[0]}••@${v.slice(at + 1)}`;
  if (v.length <= 8) return `${v.slice(0, 2)}••`;
  return `${v.slice(0, 6)}…${v.slice(-4)}`;
}
