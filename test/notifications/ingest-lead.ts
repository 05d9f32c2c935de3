import { expect } from 'vitest';
import type { AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from '../http/service-harness.ts';

export interface IngestedLead {
  readonly leadId: string;
  readonly status: string;
  readonly decision: { readonly rep: { readonly id: string } | null; readonly team: { readonly id: string } | null };
}

/** POST /v1/leads with a UK ISA lead for `person` (integration key); expects 201. Shared by the notification suites. */
export async function ingestLead(svc: AuditService, person: Record<string, string>): Promise<IngestedLead> {
  const res = await svc.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: auth(svc.tokens.integration),
    payload: ukLead({ person }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as IngestedLead;
}
