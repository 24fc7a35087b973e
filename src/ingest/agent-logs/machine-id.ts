import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A stable, non-reversible id for this machine. */
export function machineId(): string {
  let raw = '';
  for (const path of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      raw = readFileSync(path, 'utf8').trim();
      if (raw) break;
    } catch {
      // not on this system
    }
  }
  if (!raw) raw = `${process.platform}:${process.env.HOSTNAME ?? ''}:${process.env.COMPUTERNAME ?? ''}`;
  return `m:${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
}
