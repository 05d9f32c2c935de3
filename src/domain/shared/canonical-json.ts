import { createHash } from 'node:crypto';

/**
 * Stable JSON: object keys sorted, no whitespace, `undefined` members dropped.
 * Two configs that mean the same thing serialise to the same bytes, so their hash is a version identity.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // A null-prototype object: an own "__proto__" key is data and must be hashed, not become a prototype.
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const contentHash = (value: unknown): string => `sha256:${sha256Hex(canonicalJson(value))}`;
