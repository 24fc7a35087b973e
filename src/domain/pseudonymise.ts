import { identityHash, redact } from './ids.js';
import type { HashedIdentity, UsageRecord } from './usage.js';

/**
 * A usage record with its identity values (the person's email or login, the provider key id) replaced by
 * what the store keeps of them: the hash and the redacted hint (domain/ids.ts). The OTLP receiver applies it
 * before a record is written to its log (server/spool.ts), so no raw email or key id is ever on disk, not
 * even for the second between acknowledgement and storage. Storing the result gives the same row as storing
 * the original (store/duckdb/records.ts takes the hashed values as they are).
 */
export function pseudonymised(r: UsageRecord): UsageRecord {
  const { actor, keyId } = r.hints;
  if (actor === undefined && keyId === undefined) return r;
  const hints = { ...r.hints };
  delete hints.actor;
  delete hints.keyId;
  if (actor) hints.actorHashed = hashedIdentity(actor);
  if (keyId) hints.keyHashed = hashedIdentity(keyId);
  return { ...r, hints };
}

// Few distinct people and keys recur across many records: hash each once.
const memo = new Map<string, HashedIdentity>();
function hashedIdentity(value: string): HashedIdentity {
  let h = memo.get(value);
  if (!h) {
    if (memo.size > 100_000) memo.clear();
    h = { hash: identityHash(value), hint: redact(value) };
    memo.set(value, h);
  }
  return h;
}
