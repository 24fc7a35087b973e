import { attributes, isBad, NO_ATTRIBUTES, type Attributes } from './attributes.js';

/**
 * The OTLP envelope, shared by the three signals: `resourceX[] → scopeX[] → items[]` (reference §3.4). It
 * is walked by hand rather than with a schema: the same walk serves the JSON mapping and decoded protobuf,
 * names the exact path of what is wrong, and stays cheap at tens of thousands of items a second. Unknown
 * fields are ignored, as the OTLP specification requires.
 */
export type Raw = Record<string, unknown>;

export const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A payload that is not an OTLP request at all: answered with 400 and this reason. */
export class MalformedPayload extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

export interface Scope {
  resource: Attributes;
  scopeName: string;
  scopeVersion: string | undefined;
}

export interface Item {
  scope: Scope;
  raw: Raw;
  /** JSON path of the item, for problems: `resourceLogs[0].scopeLogs[1].logRecords[2]`. */
  path: string;
}

function list(parent: Raw, key: string, path: string): unknown[] {
  const v = parent[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedPayload(`${path}${path ? '.' : ''}${key}`, 'expected an array');
  return v;
}

/** Every item of a request, with its resource and scope. Throws MalformedPayload on a broken envelope. */
export function envelopeItems(
  doc: unknown,
  keys: { resources: string; scopes: string; items: string },
): Item[] {
  if (!isObject(doc)) throw new MalformedPayload('$', 'expected an object');
  const out: Item[] = [];
  const resources = list(doc, keys.resources, '');
  for (let r = 0; r < resources.length; r++) {
    const rPath = `${keys.resources}[${r}]`;
    const rm = resources[r];
    if (!isObject(rm)) throw new MalformedPayload(rPath, 'expected an object');
    let resource: Attributes = NO_ATTRIBUTES;
    if (rm.resource !== undefined && rm.resource !== null) {
      if (!isObject(rm.resource)) throw new MalformedPayload(`${rPath}.resource`, 'expected an object');
      const attrs = attributes(rm.resource.attributes);
      if (isBad(attrs)) throw new MalformedPayload(`${rPath}.resource.${attrs.bad}`, 'not a KeyValue');
      resource = attrs;
    }
    const scopes = list(rm, keys.scopes, rPath);
    for (let s = 0; s < scopes.length; s++) {
      const sPath = `${rPath}.${keys.scopes}[${s}]`;
      const sm = scopes[s];
      if (!isObject(sm)) throw new MalformedPayload(sPath, 'expected an object');
      const sc = isObject(sm.scope) ? sm.scope : {};
      const scope: Scope = {
        resource,
        scopeName: typeof sc.name === 'string' ? sc.name : '',
        scopeVersion: typeof sc.version === 'string' && sc.version !== '' ? sc.version : undefined,
      };
      const items = list(sm, keys.items, sPath);
      for (let i = 0; i < items.length; i++) {
        const raw = items[i];
        const path = `${sPath}.${keys.items}[${i}]`;
        if (!isObject(raw)) throw new MalformedPayload(path, 'expected an object');
        out.push({ scope, raw, path });
      }
    }
  }
  return out;
}

const MAX_MS = 8_640_000_000_000_000n; // the largest instant a Date holds, in ms

/**
 * A `fixed64` nanosecond time (decimal string in JSON and after protobuf decoding, or a number from a
 * lenient sender) as a Date. Null when absent, zero or not a time.
 */
export function nanosToDate(v: unknown): Date | null {
  let ns: bigint;
  if (typeof v === 'string' && /^\d+$/.test(v)) ns = BigInt(v);
  else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) ns = BigInt(v);
  else if (typeof v === 'number' && Number.isFinite(v) && v > 0) ns = BigInt(Math.round(v));
  else return null;
  if (ns === 0n) return null;
  const ms = ns / 1_000_000n;
  if (ms > MAX_MS) return null;
  return new Date(Number(ms));
}

/** The nanosecond text of a time field, for keys (exact, unlike a Date). */
export function nanosText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return '';
}

/**
 * A trace or span id as lowercase hex: the JSON mapping sends hex strings (not base64, an OTLP deviation
 * from proto3 JSON); protobuf gives bytes. Null when absent or not an id.
 */
export function hexId(v: unknown): string | null {
  if (typeof v === 'string') return /^[0-9a-fA-F]+$/.test(v) && v.length % 2 === 0 ? v.toLowerCase() : null;
  if (v instanceof Uint8Array) return v.length === 0 ? null : Buffer.from(v).toString('hex');
  return null;
}

/** The name of an enum field: OTLP JSON sends integers, some senders the enum's name. */
export function enumNumber(v: unknown, names: Readonly<Record<string, number>>): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return names[v] ?? (/^\d+$/.test(v) ? Number(v) : 0);
  return 0;
}
