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

/** The texts written so far of an object declared immutable data (immutableData), one per mode. */
interface KeptTexts {
  data: string | undefined;
  plain: string | undefined;
}
// A non-enumerable symbol member, not a WeakMap: JSON.stringify, Object.keys and the writer below do not see it, and
// reading it is a property load (measured cheaper than a WeakMap look-up of every object written, most of them misses).
const KEPT = Symbol('canonical texts');

/**
 * Declares `value` and everything it references immutable plain data (frozen here; what it references must already be
 * frozen or never changed by contract) and returns it. Its canonical text is then written once per mode and reused: a
 * routing decision shares its candidates' verdict objects with earlier decisions (decision/team-verdict.ts), and
 * writing those again was most of the time it took to record a decision. A kept text never depends on the key: in data
 * mode an object's toJSON(key) is asked first, every time, and only what it returns is looked up. An object already
 * frozen cannot be marked and is written every time.
 */
export function immutableData<T extends object>(value: T): T {
  if (!Object.isFrozen(value)) {
    const texts: KeptTexts = { data: undefined, plain: undefined };
    Object.defineProperty(value, KEPT, { value: texts, enumerable: false });
  }
  return Object.freeze(value);
}

function write(input: unknown, key: string | number, asData: boolean): string | undefined {
  let value = input;
  if (asData && typeof value === 'object' && value !== null) value = dataOf(value, key);
  // The primitives are written here, not by a JSON.stringify call each: byte for byte what it writes (a finite
  // number is its ToString, -0 included; a string is quoted by jsonString), at a fraction of the cost per value.
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      const texts = (value as { [KEPT]?: KeptTexts })[KEPT];
      if (texts === undefined) return writeObject(value, asData);
      if (asData) return (texts.data ??= flat(writeObject(value, true)));
      return (texts.plain ??= flat(writeObject(value, false)));
    }
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return undefined; // undefined, function, symbol: dropped like JSON.stringify drops them
  }
}

/**
 * The same text as one flat string. A text built by `+=` is a tree of its pieces (a rope), several times the size of its
 * characters; a kept text lives as long as its object, so it is flattened once (a regular expression reads its subject
 * flat: V8 flattens it in place). Kept texts then cost about their length.
 */
const ANY = /./;
function flat(text: string): string {
  ANY.test(text);
  return text;
}

function writeObject(value: object, asData: boolean): string {
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) s += ',';
      s += write(value[i], i, asData) ?? 'null';
    }
    return `${s}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = orderedKeys(obj);
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = obj[k];
    if (v === undefined) continue;
    const w = write(v, k, asData);
    if (w === undefined) continue;
    // One piece added per member: `"key":` (or `,"key":`) is kept per key, not built again from three strings each
    // time (lane alloc: those intermediates were 40 % of the bytes the writer allocated for a decision document).
    s += s.length === 1 ? memberHead(k, MEMBER_HEADS) + w : memberHead(k, NEXT_MEMBER_HEADS) + w;
  }
  return `${s}}`;
}

/**
 * `"key":` and `,"key":` by key. Objects of one kind share their keys (a decision's candidates, an entry's fields), so
 * a few hundred texts serve every document; keys beyond the bound (any key a payload may bring) are built each time.
 */
const MEMBER_HEADS = new Map<string, string>();
const NEXT_MEMBER_HEADS = new Map<string, string>();
const MAX_MEMBER_HEADS = 4096;
function memberHead(k: string, heads: Map<string, string>): string {
  let head = heads.get(k);
  if (head === undefined) {
    head = `${heads === MEMBER_HEADS ? '' : ','}${jsonString(k)}:`;
    if (heads.size < MAX_MEMBER_HEADS) heads.set(k, head);
  }
  return head;
}

/**
 * JSON.stringify of a string, byte for byte, without its cost for plain strings. JSON.stringify escapes only the quote,
 * the backslash, control characters and lone surrogates: a string with none of them (any surrogate sends it to
 * JSON.stringify) is quoted as is.
 */
export function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/** What JSON.stringify serialises for an object: its toJSON(key), or the primitive inside a boxed one. */
function dataOf(input: object, key: string | number): unknown {
  const toJSON = (input as { toJSON?: unknown }).toJSON;
  const value: unknown = typeof toJSON === 'function' ? (toJSON as (k: string) => unknown).call(input, String(key)) : input;
  // A plain object or array is the common case: no boxed primitive has their prototype.
  const proto: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === Array.prototype) return value;
  if (value instanceof Number) return Number(value);
  if (value instanceof String) return String(value);
  if (value instanceof Boolean) return value.valueOf();
  return value;
}

/**
 * Key order: every key sorted by UTF-16 code units (JavaScript's default string sort), integer-like keys
 * included — RFC 8785 (JCS) §3.2.3. So `{"a":…,"10":…,"2":…}` is written `{"10":…,"2":…,"a":…}`, which any
 * JCS implementation reproduces; JavaScript's own habit of holding integer-like keys first does not leak
 * into the bytes. An insertion sort with `<` (which compares UTF-16 code units, as the default sort does): objects
 * have few keys, and the default sort's generic comparison was a tenth of the writer's time.
 */
const INSERTION_SORT_MAX_KEYS = 24;
function orderedKeys(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  // Insertion sort is quadratic: a large record (a ledger's entries, a keyed map in a payload) takes the default sort.
  if (keys.length > INSERTION_SORT_MAX_KEYS) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const contentHash = (value: unknown): string => `sha256:${sha256Hex(canonicalJson(value))}`;
