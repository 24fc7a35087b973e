/**
 * OTLP attribute values (AnyValue) as plain values. Both encodings arrive here in the same shape: the JSON
 * mapping directly, protobuf after `toObject` with 64-bit integers as decimal strings (see proto.ts).
 * Integers stay decimal text (`intValue` is int64, sent as a string in JSON), doubles stay numbers: a
 * caller that needs money reads the text, never a float sum.
 */
export type AttrValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: string }
  | { kind: 'double'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'array'; value: AttrValue[] }
  | { kind: 'other' };

export type Attributes = ReadonlyMap<string, AttrValue>;

export const NO_ATTRIBUTES: Attributes = new Map();

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One AnyValue; null when it is not an AnyValue at all (a malformed payload). */
export function anyValue(raw: unknown): AttrValue | null {
  if (!isObject(raw)) return null;
  if (typeof raw.stringValue === 'string') return { kind: 'string', value: raw.stringValue };
  if (raw.intValue !== undefined && raw.intValue !== null) {
    const v = raw.intValue;
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return { kind: 'int', value: v };
    if (typeof v === 'number' && Number.isInteger(v)) return { kind: 'int', value: String(v) };
    return null;
  }
  if (raw.doubleValue !== undefined && raw.doubleValue !== null) {
    const v = raw.doubleValue;
    // proto3 JSON writes NaN and infinities as strings; they are no use as amounts or counts.
    if (typeof v === 'number') return { kind: 'double', value: v };
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
      return { kind: 'double', value: Number(v) };
    return { kind: 'other' };
  }
  if (typeof raw.boolValue === 'boolean') return { kind: 'bool', value: raw.boolValue };
  if (isObject(raw.arrayValue)) {
    const values = Array.isArray(raw.arrayValue.values) ? raw.arrayValue.values : [];
    const out: AttrValue[] = [];
    for (const v of values) {
      const parsed = anyValue(v);
      if (parsed) out.push(parsed);
    }
    return { kind: 'array', value: out };
  }
  // kvlistValue, bytesValue and an empty AnyValue are valid but carry nothing Mileage reads.
  return { kind: 'other' };
}

/**
 * A KeyValue list as a map. Returns the index of the first bad entry instead when the list is malformed,
 * so the caller can name the field.
 */
export function attributes(raw: unknown): Attributes | { bad: string } {
  if (raw === undefined || raw === null) return NO_ATTRIBUTES;
  if (!Array.isArray(raw)) return { bad: 'attributes' };
  const out = new Map<string, AttrValue>();
  for (let i = 0; i < raw.length; i++) {
    const kv: unknown = raw[i];
    if (!isObject(kv) || typeof kv.key !== 'string') return { bad: `attributes[${i}].key` };
    // An absent value is an empty AnyValue (proto3 drops empty messages); it carries nothing.
    const value =
      kv.value === undefined || kv.value === null ? { kind: 'other' as const } : anyValue(kv.value);
    if (!value) return { bad: `attributes[${i}].value` };
    out.set(kv.key, value);
  }
  return out;
}

export function isBad(a: Attributes | { bad: string }): a is { bad: string } {
  return !(a instanceof Map);
}

/** The text of a string attribute, or of a number written as a string by a lenient emitter; else undefined. */
export function text(a: Attributes, key: string): string | undefined {
  const v = a.get(key);
  if (!v) return undefined;
  switch (v.kind) {
    case 'string':
      return v.value === '' ? undefined : v.value;
    case 'int':
      return v.value;
    case 'double':
      return String(v.value);
    case 'bool':
      return String(v.value);
    case 'array':
    case 'other':
      return undefined;
    default:
      v satisfies never;
      return undefined;
  }
}

/** The first present text among several keys (current name first, deprecated names after). */
export function firstText(a: Attributes, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = text(a, k);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Why a count was refused. Expected on bad input, so it skips the stack trace (costly at line rate). */
export class CountError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/**
 * A token count from an int, a whole double or a numeric string; absent → undefined. Negative, fractional
 * or non-numeric counts throw CountError (the item is rejected with that reason).
 */
export function count(a: Attributes, key: string): number | undefined {
  const v = a.get(key);
  if (!v) return undefined;
  let n: number;
  if (v.kind === 'int') n = Number(v.value);
  else if (v.kind === 'double') n = v.value;
  else if (v.kind === 'string' && /^\s*-?\d+(\.0+)?\s*$/.test(v.value)) n = Number(v.value);
  else throw new CountError(key, `expected a token count, got ${describe(v)}`);
  if (!Number.isFinite(n) || !Number.isInteger(n)) throw new CountError(key, `not a whole number: ${n}`);
  if (n < 0) throw new CountError(key, `negative token count ${n}`);
  if (!Number.isSafeInteger(n)) throw new CountError(key, `token count out of range: ${n}`);
  return n;
}

/** The first present count among several keys. */
export function firstCount(a: Attributes, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const v = count(a, k);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * A decimal amount as text, exactly as sent: an int's digits, a double's shortest round-trip form (the
 * text the emitter wrote in JSON), or a numeric string. Undefined when absent; throws on a non-amount.
 */
export function decimalText(a: Attributes, key: string): string | undefined {
  const v = a.get(key);
  if (!v) return undefined;
  let t: string;
  if (v.kind === 'int') t = v.value;
  else if (v.kind === 'double' && Number.isFinite(v.value)) t = String(v.value);
  else if (v.kind === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(v.value)) t = v.value.trim();
  else throw new CountError(key, `expected an amount, got ${describe(v)}`);
  if (t.startsWith('-')) throw new CountError(key, `negative amount ${t}`);
  return t;
}

function describe(v: AttrValue): string {
  if (v.kind === 'array' || v.kind === 'other') return `a ${v.kind} value`;
  return `${v.kind} ${JSON.stringify(v.value)}`;
}

/** A canonical text of an attribute set (sorted keys), for series keys and record ids. */
export function attributesKey(a: Attributes, omit?: ReadonlySet<string>): string {
  const keys = [...a.keys()].filter((k) => !omit?.has(k)).sort();
  let out = '';
  for (const k of keys) out += `${k}=${JSON.stringify(a.get(k))};`;
  return out;
}
