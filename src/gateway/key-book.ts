import { hashToken } from '../server/tokens.js';
import type { KeyEntry } from './key-spec.js';

/** Why a key is refused; each becomes the provider's own error shape (refusal.ts). */
export type Refusal =
  | { kind: 'no_key' }
  | { kind: 'unknown_key' }
  | { kind: 'expired'; at: string }
  | { kind: 'model_not_allowed'; model: string | null; allowed: readonly string[] }
  | { kind: 'capped'; capUsd: string };

export type KeyCheck = { ok: true; key: KeyEntry } | { ok: false; refusal: Refusal };

/** Distinct keys remembered between two loads; past it the memory starts again (each is one SHA-256 away). */
const PRESENTED_CAP = 10_000;

/**
 * The live keys the gateway checks requests against, held in memory by hash: a request costs one map lookup (one
 * SHA-256 the first time a key is seen after a load), never a round trip to the store. The set is replaced whole by `load` (the gateway reloads
 * it every few seconds), so a revoked key stops working within one reload.
 */
export class KeyBook {
  private byHash = new Map<string, KeyEntry>();
  /**
   * Keys already presented, to their entry: most requests come with one of a few keys, so the SHA-256 is
   * computed once per key and load, not once per request. Only known keys are kept (a stream of made-up keys
   * cannot fill it), it is bounded, and it is dropped with the set it was built from, so a revoked key is
   * refused from the next load on. In memory only, like the request that carried the key.
   */
  private byPresented = new Map<string, KeyEntry>();
  private loadedAt: Date | null = null;

  load(keys: readonly KeyEntry[], at: Date = new Date()): void {
    this.byHash = new Map(keys.map((k) => [k.hash, k]));
    this.byPresented = new Map();
    this.loadedAt = at;
  }

  get size(): number {
    return this.byHash.size;
  }

  /** When the set was last loaded; null before the first load. */
  get loaded(): Date | null {
    return this.loadedAt;
  }

  /** The key a request presents, checked for existence, expiry and the model it asks for. */
  check(presented: string | null, model: string | null, now: number = Date.now()): KeyCheck {
    if (!presented) return { ok: false, refusal: { kind: 'no_key' } };
    let key = this.byPresented.get(presented);
    if (!key) {
      key = this.byHash.get(hashToken(presented));
      if (!key) return { ok: false, refusal: { kind: 'unknown_key' } };
      if (this.byPresented.size >= PRESENTED_CAP) this.byPresented.clear();
      this.byPresented.set(presented, key);
    }
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now)
      return { ok: false, refusal: { kind: 'expired', at: key.expiresAt } };
    if (key.models !== null && (model === null || !key.models.includes(model)))
      return { ok: false, refusal: { kind: 'model_not_allowed', model, allowed: key.models } };
    return { ok: true, key };
  }
}
