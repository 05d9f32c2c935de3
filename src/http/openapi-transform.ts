import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { withErrorResponses } from './error-schema.ts';

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/**
 * How a route is described in the OpenAPI document: its zod schemas as JSON Schema, the catalogue's error
 * responses, and the acting roles it admits as `x-remit-roles` (absent: no API key needed). Clients can
 * read who may call what, and the role × endpoint table in docs/access.md is generated from what the
 * routes declare, not from a copy (test/http/access-doc.test.ts).
 */
export function describeRoute(input: TransformInput) {
  const described = withErrorResponses(jsonSchemaTransform(input) as { schema: Record<string, unknown>; url: string });
  const roles = input.route.config?.roles;
  return roles ? { ...described, schema: { ...described.schema, 'x-remit-roles': [...roles] } } : described;
}
