import type { SMTPServer } from 'smtp-server';
import type { AuditService } from '../audit/audit-service-fixture.ts';
import { ingestLead } from './ingest-lead.ts';
import { stopSmtp } from '../support/smtp-server.ts';

/** What the notification suites share: a lead posted over HTTP, and tearing down the service and SMTP server. */

export const PROSPECT = { firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@example.co.uk', phone: '+44 20 7946 0018' };

/** Posts a UK lead for `person` as the integration key; 201 expected. */
export const ingest = (svc: AuditService, person: Record<string, string> = PROSPECT) => ingestLead(svc, person);

/** For afterEach: closes what a test started; returns the cleared slots. */
export async function stopAll(s: AuditService | undefined, smtp?: SMTPServer): Promise<[undefined, undefined]> {
  await s?.close();
  if (smtp) await stopSmtp(smtp);
  return [undefined, undefined];
}
