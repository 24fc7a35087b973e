import { pseudonymised } from '../domain/pseudonymise.js';
import type { UsageRecord } from '../domain/usage.js';
import type { OtlpSink } from './otlp.js';
import { Spool } from './spool.js';
import type { UsageWriter } from './usage-writer.js';

/**
 * The OTLP receiver's sink as `mileage serve` wires it: records, their identity values pseudonymised first
 * (domain/pseudonymise.ts: no raw email or key id is written to disk), go to the receiver's log (when the
 * store is a file: `<store>.spool/`), and from there, once fsync'ed, to the batching writer; the receiver
 * answers only then. A shared store (ClickHouse) has no local log: the receiver answers once the writer has
 * stored the records. Without a log on an in-memory store (tests) they go straight to the writer.
 */
export interface ReceiverSink {
  sink: OtlpSink;
  spool: Spool | null;
  /** Hands what a previous process left in the log to the writer; the next flush stores and releases it. */
  replay(): { records: number; unreadable: number };
}

export function receiverSink(
  writer: UsageWriter,
  spoolDir: string | null,
  onAccepted: (count: number) => void = () => undefined,
  /**
   * With no log, answer only once the records are stored (a shared store such as ClickHouse: the server keeps
   * nothing locally, so a kill -9 loses no acknowledged record); otherwise they are queued (in-memory stores).
   */
  storedBeforeAnswer = false,
): ReceiverSink {
  const spool = spoolDir === null ? null : Spool.open(spoolDir, (records) => writer.add(records, true));
  const add = async (received: readonly UsageRecord[]) => {
    // Identity is pseudonymised before anything reaches the disk (as the store would hash it).
    const records = received.map(pseudonymised);
    if (spool) await spool.append(records);
    else if (storedBeforeAnswer) await writer.store(records);
    else writer.add(records, true);
    onAccepted(records.length);
  };
  return {
    sink: { hasRoom: (count) => writer.hasRoom(count), add },
    spool,
    replay() {
      if (!spool) return { records: 0, unreadable: 0 };
      const left = spool.replay();
      writer.add(left.records, true);
      return { records: left.records.length, unreadable: left.unreadable };
    },
  };
}

/** The log folder of a store: beside its file; none for an in-memory or remote store (see storedBeforeAnswer). */
export function spoolDirFor(location: string): string | null {
  if (location === ':memory:' || location === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return null;
  return `${location}.spool`;
}
