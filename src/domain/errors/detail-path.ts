/**
 * The one format of `details[].path` (docs/errors.md): a JSON Pointer (RFC 6901) into what the caller
 * sent. Over HTTP it starts with the request part — `/body`, `/querystring`, `/params`, `/headers` — so a
 * lead's email is `/body/person/email` and the same field of batch item 3 is `/body/leads/3/person/email`.
 * Library code that checks a payload on its own (normalisation) gives pointers relative to that payload;
 * the adapter that knows where the payload sits prefixes them with `underPointer`.
 */
export function pointer(segments: readonly PropertyKey[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** `path` (a pointer relative to a payload, "" for the payload itself) placed under `prefix` (a pointer). */
export const underPointer = (prefix: string, path: string): string => `${prefix}${path}`;
