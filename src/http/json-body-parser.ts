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

/** Where the first own "__proto__" key, or "prototype" inside "constructor", sits (iterative: depth is no risk). */
function forbiddenKeyPath(value: unknown): string | undefined {
  const stack: [unknown, readonly PropertyKey[]][] = [[value, ['body']]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, [...path, i]]));
      continue;
    }
    for (const [key, item] of Object.entries(node)) {
      if (key === '__proto__') return pointer([...path, key]);
      if (key === 'constructor' && item !== null && typeof item === 'object' && Object.hasOwn(item, 'prototype')) return pointer([...path, key, 'prototype']);
      stack.push([item, [...path, key]]);
    }
  }
  return undefined;
}

/**
 * JSON bodies: JSON.parse (which stores "__proto__" as a plain own key, never as the prototype), then
 * such keys are refused with their path. Fastify's default parser refuses them too, but reports any
 * refusal as "Body is not valid JSON", which sends an integrator looking for a syntax error.
 */
export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(Object.assign(new Error('the body is empty'), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return done(Object.assign(e as SyntaxError, { statusCode: 400 }), undefined);
    }
    const forbidden = forbiddenKeyPath(value);
    return forbidden ? done(new ForbiddenKeyError(forbidden), undefined) : done(null, value);
  });
}
