/**
 * A reply body as UTF-8 bytes of its JSON.stringify text, with the content type Fastify gives a serialised object: the
 * same answer, byte for byte. Why (lane alloc, issue 18): Node's HTTP layer prepends the headers to a first body chunk
 * that is a string (`header + body`), a copy of the whole ~14 KB lead answer, two bytes per character as soon as the
 * answer holds one non-Latin-1 character (a licence reason's dash); a Buffer is written after the headers as it is.
 */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export const jsonBytes = (body: object): Buffer => Buffer.from(JSON.stringify(body));
