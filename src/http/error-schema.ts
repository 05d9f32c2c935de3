import { z } from 'zod';
import { ERROR_CATALOGUE } from '../domain/errors/error-catalogue.ts';

/** The one error body (docs/errors.md). */
export const ErrorBodySchema = z
  .object({
    code: z.enum(Object.keys(ERROR_CATALOGUE) as [keyof typeof ERROR_CATALOGUE, ...(keyof typeof ERROR_CATALOGUE)[]]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string(), file: z.string().optional() })),
  })
  .describe('Error (see the error catalogue)');

const errorJsonSchema = z.toJSONSchema(ErrorBodySchema, { target: 'draft-2020-12' });

/** Adds the catalogue's error responses to a route's OpenAPI description (docs only; handlers send them via sendError). */
export function withErrorResponses<T extends { schema: Record<string, unknown> }>(transformed: T): T {
  const response = { ...((transformed.schema.response as Record<string, unknown> | undefined) ?? {}) };
  for (const status of ['400', '401', '403', '404', '422'])
    response[status] ??= { description: 'Error (docs/errors.md)', content: { 'application/json': { schema: errorJsonSchema } } };
  return { ...transformed, schema: { ...transformed.schema, response } };
}
