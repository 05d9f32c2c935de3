import { z } from 'zod';
import { flattenJson, type SourceFields } from './map-source-fields.ts';

/**
 * A Salesforce-style Lead event (docs/sources.md). Salesforce's own outbound messages are SOAP; this
 * is the JSON a Flow HTTP callout or a platform-event trigger sends: an envelope with the event id
 * and time, and the Lead record with its API field names (FirstName, Email, Product_Interest__c …).
 */
export const SalesforceLeadEventSchema = z.looseObject({
  eventId: z.string().min(1).max(200),
  sobjectType: z.literal('Lead').default('Lead'),
  occurredAt: z.string().max(64).optional(),
  organizationId: z.string().max(64).optional(),
  lead: z.looseObject({ Id: z.string().max(64).optional() }),
});
export type SalesforceLeadEvent = z.infer<typeof SalesforceLeadEventSchema>;

/** Every property as a dotted path: "eventId", "occurredAt", "lead.FirstName", "lead.Address.country" … */
export const salesforceFields = (e: SalesforceLeadEvent): SourceFields => flattenJson(e);
