import { createHash } from 'node:crypto';

/**
 * Stable JSON (RFC 8785 key order and number forms): object keys sorted by UTF-16 code units, no whitespace, `undefined` members dropped
 * (like JSON.stringify),
 * own enumerable keys only. Two values that mean the same thing serialise to the same bytes, so
 * their hash is an identity: config versions, decision records and audit entries all rely on it.
 * Written directly rather than by building a sorted copy (the audit log hashes every entry with it).
 * An own "__proto__" key is data and is kept.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '', false) as string;
}

/**
 * canonicalJson of the value as JSON data — `canonicalJson(JSON.parse(JSON.stringify(value)))`, byte for byte — in one
 * pass without the intermediate copy (issue 18: the audit trail serialised every payload three times). JSON.stringify's
 * value semantics: `toJSON` is called (dates become strings), boxed primitives are unwrapped, and undefined at the top
 * is `null` (as the audit trail records it).
 */
export function canonicalDataJson(value: unknown): string {
  return write(value, '', true) ?? 'null';
}

/**
 * canonicalDataJson of an object with one member left out, and where that member goes: `spliceMember(text, offset, key,
 * canonicalDataJson(obj[key]))` is canonicalDataJson(obj). Lets a large member be stored once elsewhere (the decision
 * document of a decision's audit entry) and put back when the entry is sealed.
 */
export function canonicalDataJsonWithout(obj: Readonly<Record<string, unknown>>, key: string): { text: string; offset: number } {
  let s = '{';
  let offset = 1;
  for (const k of orderedKeys(obj)) {
    if (k === key) continue;
    const w = obj[k] === undefined ? undefined : write(obj[k], k, true);
    if (w === undefined) continue;
    s += `${s.length > 1 ? ',' : ''}${JSON.stringify(k)}:${w}`;
    if (k < key) offset = s.length;
  }
  return { text: `${s}}`, offset };
}

/** Inserts `"key":valueText` into canonical object text at `offset` (from canonicalDataJsonWithout), with its comma. */
export function spliceMember(text: string, offset: number, key: string, valueText: string): string {
  const member = `${JSON.stringify(key)}:${valueText}`;
  const after = text.slice(offset);
  if (text[offset - 1] === '{') return `${text.slice(0, offset)}${member}${after.startsWith('}') ? '' : ','}${after}`;
  return `${text.slice(0, offset)},${member}${after}`;
}

function write(input: unknown, key: string, asData: boolean): string | undefined {
  let value = input;
  if (asData && typeof value === 'object' && value !== null) value = dataOf(value, key);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) s += ',';
          s += write(value[i], String(i), asData) ?? 'null';
        }
        return `${s}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = orderedKeys(obj);
      let s = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        const w = write(v, k, asData);
        if (w === undefined) continue;
        s += `${first ? '' : ','}${JSON.stringify(k)}:${w}`;
        first = false;
      }
      return `${s}}`;
    }
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return undefined; // undefined, function, symbol: dropped like JSON.stringify drops them
  }
}

/** What JSON.stringify serialises for an object: its toJSON(key), or the primitive inside a boxed one. */
function dataOf(input: object, key: string): unknown {
  const toJSON = (input as { toJSON?: unknown }).toJSON;
  const value: unknown = typeof toJSON === 'function' ? (toJSON as (k: string) => unknown).call(input, key) : input;
  if (value instanceof Number) return Number(value);
  if (value instanceof String) return String(value);
  if (value instanceof Boolean) return value.valueOf();
  return value;
}

/**
 * Key order: every key sorted by UTF-16 code units (JavaScript's default string sort), integer-like keys
 * included — RFC 8785 (JCS) §3.2.3. So `{"a":…,"10":…,"2":…}` is written `{"10":…,"2":…,"a":…}`, which any
 * JCS implementation reproduces; JavaScript's own habit of holding integer-like keys first does not leak
 * into the bytes.
 */
function orderedKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).sort();
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const contentHash = (value: unknown): string => `sha256:${sha256Hex(canonicalJson(value))}`;
