import { StoreInputError } from '../store-errors.ts';

export function requireText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new StoreInputError(`${what} must be a non-empty string`);
}

export function requireJson(text: unknown, what: string): unknown {
  requireText(text, what);
  try {
    return JSON.parse(text as string);
  } catch (e) {
    throw new StoreInputError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export function requireInstant(value: unknown, what: string): void {
  requireText(value, what);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value as string) || Number.isNaN(Date.parse(value as string))) {
    throw new StoreInputError(`${what} must be an ISO-8601 UTC instant (…Z), got ${JSON.stringify(value)}`);
  }
}

/** Page sizes: a positive integer up to MAX_PAGE. */
const MAX_PAGE = 1000;

export function requireLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new StoreInputError(`limit must be an integer from 1 to ${MAX_PAGE}, got ${JSON.stringify(limit)}`);
  return limit;
}

/** A bound compared with stored timestamps: stored ones are millisecond-precision `toISOString()` text. */
export function normaliseInstant(value: unknown, what: string): string {
  requireInstant(value, what);
  return new Date(value as string).toISOString();
}

export function requireJsonOrNull(text: unknown, what: string): void {
  if (text !== null) requireJson(text, what);
}
