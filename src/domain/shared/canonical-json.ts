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
  return write(value) as string;
}

function write(value: unknown): string | undefined {
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
          s += write(value[i]) ?? 'null';
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
        const w = write(v);
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
