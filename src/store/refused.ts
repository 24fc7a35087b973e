import type { Rejected } from '../domain/record-bounds.js';
import type { RejectedRecord } from './db.js';

/** An append result's `refused` part: present only when the store's last check left records out. */
export function refusedOf(rejected: readonly Rejected<{ id: string }>[]): { refused?: RejectedRecord[] } {
  return rejected.length === 0
    ? {}
    : { refused: rejected.map((r) => ({ id: String(r.record.id), problems: r.problems })) };
}
