import type { JsonValue } from './audit-entry.ts';

/**
 * A payload reduced to the few fields a reader looks at (issue 18: `audit verify` of a large log). The assignment
 * cross-check reads three or fewer strings of each assigning entry's payload; parsing the whole payload where the row is
 * read (a digest worker) and sending only those fields saves cloning the payload text between threads and takes the
 * `JSON.parse` off the verifying thread. The reader must not be able to tell the difference: see projectPayload.
 */

/** A key path into a payload, e.g. `['decision', 'team', 'id']`. */
export type PayloadPath = readonly string[];

/** Per audit kind, the key paths of its payload a reader looks at (kinds not listed: no payload wanted). */
export type PayloadFields = Readonly<Record<string, readonly PayloadPath[]>>;

type MutableObject = { [key: string]: JsonValue };

const isObject = (v: JsonValue | undefined): v is { readonly [key: string]: JsonValue } =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `payload` as seen by a reader that, along each path, asks only whether a key is present, whether its value is an
 * object (not an array) to descend into, and at the path's end whether the value is a string and which. So: a root that
 * is not an object becomes null; along a path, a present key whose value is not an object becomes null (and the path
 * stops there); at the end of a path a string is kept and any other present value becomes null; absent keys stay
 * absent. No path may be a strict prefix of another. A reader of that kind gives the same answer for the projection as
 * for the payload (test/app/assignment-projection.test.ts holds the assignment cross-check to it).
 */
export function projectPayload(payload: JsonValue, paths: readonly PayloadPath[]): JsonValue {
  if (!isObject(payload)) return null;
  const out: MutableObject = {};
  for (const path of paths) {
    let from: { readonly [key: string]: JsonValue } = payload;
    let to = out;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      if (!Object.hasOwn(from, key)) break;
      const value = from[key];
      if (i === path.length - 1) {
        to[key] = typeof value === 'string' ? value : null;
        break;
      }
      if (!isObject(value)) {
        to[key] = null;
        break;
      }
      const next = to[key];
      to = isObject(next) ? (next as MutableObject) : (to[key] = {});
      from = value;
    }
  }
  return out;
}

/**
 * The stored payload text parsed and projected; null when it is not JSON (only an altered row can hold that, and it
 * assigns nothing: a reader of the kind projectPayload serves sees null as it sees a text that does not parse).
 */
export function projectPayloadText(text: string, paths: readonly PayloadPath[]): JsonValue {
  let payload: JsonValue;
  try {
    payload = JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
  return projectPayload(payload, paths);
}
