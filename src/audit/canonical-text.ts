/**
 * Byte-for-byte the same output as canonicalJson (src/domain/shared/canonical-json.ts) — sorted
 * keys, no whitespace, undefined members dropped; own enumerable keys only, so a Date becomes {} as
 * there — written directly instead of building a sorted
 * copy first. The audit log's hot path (hashing every entry on append and on verify) uses it;
 * test/audit/canonical-text.property.test.ts proves it equal to canonicalJson.
 * One deliberate difference: canonicalJson silently drops an own `__proto__` key (assigning it to a
 * fresh object sets the prototype instead), so such a member would escape the hash; here it is kept.
 */
export function canonicalText(value: unknown): string {
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
 * The key order canonicalJson produces: it inserts the sorted keys into a fresh object, and a JS
 * object enumerates array-index keys ("0", "7", "10") first in numeric order, then the others in
 * insertion (here: sorted) order. Object.keys of the input already lists index keys first, numerically.
 */
function orderedKeys(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  let i = 0;
  while (i < keys.length && isArrayIndex(keys[i]!)) i++;
  if (i === 0) return keys.sort();
  return keys.slice(0, i).concat(keys.slice(i).sort());
}
