import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Publishes a sensitive org change the way the service requires (docs/access.md "Maker-checker"): the
 * maker's POST /v1/org/versions answers 202 with a pending draft, and a second, independent person
 * holding an approver role approves it. Returns the approval's answer body.
 */
export async function publishWithApproval(app: FastifyInstance, config: unknown, makerToken: string, checkerToken: string) {
  const asked = await app.inject({ method: 'POST', url: '/v1/org/versions', payload: config as object, headers: auth(makerToken) });
  expect(asked.statusCode, asked.body).toBe(202);
  expect(asked.json().status).toBe('pending_approval');
  const approved = await app.inject({
    method: 'POST',
    url: `/v1/org/drafts/${asked.json().draft.id}/approve`,
    headers: auth(checkerToken),
  });
  expect(approved.statusCode, approved.body).toBe(201);
  return approved.json() as { draft: { id: string; status: string }; published: { hash: string; previousHash: string } };
}
