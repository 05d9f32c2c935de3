import { z } from 'zod';

/**
 * CRM write-back (docs/crm.md): after a decision, Remit writes the owner, status, decision id and a link to the
 * lead's story back to the CRM record the lead came from. Self-contained (org-config.schema.ts imports it). Secrets are
 * named by environment variable, never written here: a config is published and readable as an org version.
 *
 * The rep → CRM user map lives here, per connection, not on the rep: CRM user ids belong to one CRM instance (a
 * HubSpot portal, a Salesforce org; a sandbox and production differ), a firm may connect two, and the roster stays
 * free of vendor ids.
 */

const EnvNameSchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an environment variable name (A-Z, 0-9, _)');
const TargetIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and - (max 64)');
const FieldNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'a CRM property or field API name (letters, digits, _)')
  .describe('A CRM property (HubSpot) or field API name (Salesforce, e.g. Remit_Decision_Id__c).');
const RecordIdFieldSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a custom field key: letters, digits and _ . : -')
  .describe("The lead's custom field holding the CRM record id, filled by the source mapping (e.g. custom.sfLeadId: lead.Id).");

/** How Remit gets an access token (OAuth2 token endpoint of the CRM); every secret by environment variable name. */
const AuthSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('client_credentials'),
    clientIdEnv: EnvNameSchema,
    clientSecretEnv: EnvNameSchema,
    scope: z.string().min(1).max(1000).optional().describe('Space-separated scopes to ask for (HubSpot: crm.objects.contacts.write).'),
  }),
  z.strictObject({
    kind: z.literal('refresh_token'),
    clientIdEnv: EnvNameSchema,
    clientSecretEnv: EnvNameSchema,
    refreshTokenEnv: EnvNameSchema,
  }),
  z
    .strictObject({ kind: z.literal('access_token'), tokenEnv: EnvNameSchema })
    .describe('A static token (a HubSpot private app): sent as is, never refreshed; a 401 dead-letters.'),
]);

const CommonTarget = {
  id: TargetIdSchema.describe('Names this connection in write-back rows and logs; usually the sources.crm id the leads come from.'),
  leadSource: z
    .string()
    .min(1)
    .max(200)
    .describe("Leads whose `source` is this value are written back (the source mapping's defaults.source, e.g. hubspot)."),
  recordIdField: RecordIdFieldSchema,
  baseUrl: z.url({ protocol: /^https?$/ }).describe('API base: https://api.hubapi.com, or the Salesforce instance (My Domain) URL.'),
  auth: AuthSchema,
  owners: z
    .record(z.string(), z.string().min(1).max(64))
    .describe('Remit rep id → CRM user id (HubSpot owner id, Salesforce User Id). A rep without one: the owner is not written.'),
  statuses: z
    .record(z.string().regex(/^[A-Z_]{1,32}$/, 'a Remit lead status, e.g. ASSIGNED'), z.string().min(1).max(255))
    .optional()
    .describe('Remit lead status → CRM status value (hs_lead_status, Lead.Status). A status not listed is not written.'),
  fields: z
    .strictObject({ decisionId: FieldNameSchema.optional(), storyUrl: FieldNameSchema.optional() })
    .optional()
    .describe('Custom property / field names that receive the Remit decision id and the link to the lead story.'),
};

export const CrmTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('hubspot'),
    ...CommonTarget,
    object: z.enum(['contacts', 'deals']).optional().describe('The record type the id names; omitted: contacts.'),
  }),
  z.strictObject({
    kind: z.literal('salesforce'),
    ...CommonTarget,
    apiVersion: z
      .string()
      .regex(/^v\d{2,3}\.\d$/, 'vNN.N, e.g. v62.0')
      .optional()
      .describe('REST API version; omitted: v62.0.'),
  }),
]);
export type CrmTarget = z.infer<typeof CrmTargetSchema>;

export const CrmWriteBackSchema = z
  .array(CrmTargetSchema)
  .max(20)
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate write-back target id "${t.id}"` });
      seen.add(t.id);
    });
  });
