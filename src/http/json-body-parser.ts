import type { FastifyInstance } from 'fastify';
import { pointer } from '../domain/errors/detail-path.ts';

/** A JSON body refused because a key could pollute prototypes; `path` points at the key. */
export class ForbiddenKeyError extends Error {
  override readonly name = 'ForbiddenKeyError';
  readonly statusCode = 400;
  readonly path: string;
  constructor(path: string) {
    super(`a "__proto__" or "constructor.prototype" key is not accepted in a JSON body (at ${path})`);
    this.path = path;
  }
}

/** A JSON body refused because a string or key holds NUL (PostgreSQL text cannot store it; it is never meaningful). */
export class NulCharacterError extends Error {
  override readonly name = 'NulCharacterError';
  readonly statusCode = 400;
  readonly path: string;
  constructor(path: string) {
    super(`text may not contain NUL characters (at ${path})`);
    this.path = path;
  }
}

/**
 * The first refusable thing in a parsed body, with its pointer: an own "__proto__" key, "prototype"
 * inside "constructor", or NUL in a string or key. Iterative: depth is no risk.
 */
function refusal(value: unknown): ForbiddenKeyError | NulCharacterError | undefined {
  const stack: [unknown, readonly PropertyKey[]][] = [[value, ['body']]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return new NulCharacterError(pointer(path));
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, [...path, i]]));
      continue;
    }
    for (const [key, item] of Object.entries(node)) {
      if (key === '__proto__') return new ForbiddenKeyError(pointer([...path, key]));
      if (key === 'constructor' && item !== null && typeof item === 'object' && Object.hasOwn(item, 'prototype'))
        return new ForbiddenKeyError(pointer([...path, key, 'prototype']));
      if (key.includes('\u0000')) return new NulCharacterError(pointer([...path, key]));
      stack.push([item, [...path, key]]);
    }
  }
  return undefined;
}

/**
 * JSON bodies: JSON.parse (which stores "__proto__" as a plain own key, never as the prototype), then
 * such keys, and NUL anywhere in text, are refused with their path. Fastify's default parser refuses them too, but reports any
 * refusal as "Body is not valid JSON", which sends an integrator looking for a syntax error.
 */
export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '')
      return done(Object.assign(new Error('the body is empty'), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return done(Object.assign(e as SyntaxError, { statusCode: 400 }), undefined);
    }
    const refused = refusal(value);
    return refused ? done(refused, undefined) : done(null, value);
  });
}
