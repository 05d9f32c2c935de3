import type { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';
import type { AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { stopSmtp } from './smtp-test-server.ts';

/** What the notification suites share: a lead posted over HTTP, and tearing down the service and SMTP server. */

export const PROSPECT = { firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@example.co.uk', phone: '+44 20 7946 0018' };

/** Posts a UK lead for `person` as the integration key; 201 expected. */
export async function ingest(svc: AuditService, person: Record<string, string> = PROSPECT) {
  const res = await svc.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: auth(svc.tokens.integration),
    payload: ukLead({ person }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { leadId: string; status: string; decision: { rep: { id: string } | null } };
}

/** For afterEach: closes what a test started; returns the cleared slots. */
export async function stopAll(s: AuditService | undefined, smtp?: SMTPServer): Promise<[undefined, undefined]> {
  await s?.close();
  if (smtp) await stopSmtp(smtp);
  return [undefined, undefined];
}
