/** A thin client for the Remit API: same origin, session cookie, errors in the catalogue's shape. */

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: readonly { readonly path?: string; readonly message: string }[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  constructor(status: number, body: ApiErrorBody) {
    super(`${body.code}: ${body.message}`);
    this.status = status;
    this.body = body;
  }
}

// The domain's roles, imported rather than restated (type-only: erased from the bundle).
import type { Role } from '../../src/domain/access/roles.ts';
export type { Role };

/** Who is signed in: a person, with every acting role they hold (`role` is the most privileged, for single-role views). */
export interface Me {
  readonly userId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly role: Role;
  readonly repId: string | null;
  readonly keyId: string | null;
}

/** A rep-only person sees only their own leads (the server scopes them the same way: seesAllLeads). */
export const repOnly = (me: Me): boolean => !me.roles.some((r) => r === 'admin' || r === 'ops' || r === 'compliance');

/** Called on any 401 so the shell can show the sign-in page. */
let onUnauthenticated: () => void = () => {};
export const setUnauthenticatedHandler = (fn: () => void) => {
  onUnauthenticated = fn;
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const err =
      parsed && typeof parsed === 'object' && 'code' in parsed
        ? (parsed as ApiErrorBody)
        : { code: `HTTP_${res.status}`, message: text.slice(0, 300) || res.statusText, details: [] };
    // Sign-in's own refusals (a wrong password, a code needed) are answers to show, not a lost session.
    if (res.status === 401 && !path.startsWith('/v1/session')) onUnauthenticated();
    throw new ApiError(res.status, { ...err, details: err.details ?? [] });
  }
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown) => api<T>('POST', path, body);

/** Whether the server documents an operation (endpoints still being built by other teams). */
let openapi: Promise<Record<string, Record<string, unknown>>> | null = null;
export async function hasOperation(method: string, path: string): Promise<boolean> {
  openapi ??= fetch('/openapi.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? (r.json() as Promise<{ paths?: Record<string, Record<string, unknown>> }>) : { paths: {} }))
    .then((d) => d.paths ?? {})
    .catch(() => ({}));
  const paths = await openapi;
  return Boolean(paths[path]?.[method.toLowerCase()]);
}

export const qs = (params: Record<string, string | number | undefined | null>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '') as [string, string | number][];
  return entries.length ? `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}` : '';
};
