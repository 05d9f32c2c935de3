import type { AuditService } from '../audit/audit-service-fixture.ts';
import { postUkLead } from '../http/service-harness.ts';

export interface IngestedLead {
  readonly leadId: string;
  readonly status: string;
  readonly decision: { readonly rep: { readonly id: string } | null; readonly team: { readonly id: string } | null };
}

/** POST /v1/leads with a UK ISA lead for `person` (integration key); 201 expected. Shared by the notification suites. */
export const ingestLead = async (svc: AuditService, person: Record<string, string>): Promise<IngestedLead> =>
  (await postUkLead(svc.app, svc.tokens.integration, person)) as unknown as IngestedLead;
