import { createHash } from 'node:crypto';

/**
 * Stable JSON: object keys sorted, no whitespace, `undefined` members dropped (like JSON.stringify),
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


const INDEX = /^(?:0|[1-9]\d{0,9})$/;
const isArrayIndex = (k: string): boolean => INDEX.test(k) && Number(k) < 4294967295;

/**
 * Key order: array-index keys ("0", "7", "10") first in numeric order, then the others sorted — the
 * order JSON.parse(JSON.stringify(x)) of a sorted object has, so canonical text round-trips stably.
 */
function orderedKeys(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  let i = 0;
  while (i < keys.length && isArrayIndex(keys[i]!)) i++;
  if (i === 0) return keys.sort();
  return keys.slice(0, i).concat(keys.slice(i).sort());
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const contentHash = (value: unknown): string => `sha256:${sha256Hex(canonicalJson(value))}`;
