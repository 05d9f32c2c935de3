import { z } from 'zod';
import { SourceMappingSchema, type SourceMapping } from '../org/sources.schema.ts';

/**
 * The mapping file of `remit import` (docs/sources.md): which CSV column fills which field. For
 * leads it is the same mapping a web form or webhook uses (fields / defaults / hidden / consent);
 * for accounts and suppression lists it renames the expected columns.
 */

export const IMPORT_KINDS = ['leads', 'accounts', 'suppression', 'outcomes'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const ACCOUNT_COLUMNS = ['id', 'name', 'domains', 'ownerRep', 'tier', 'parentId'] as const;
export const SUPPRESSION_COLUMNS = ['email', 'phone', 'domain', 'country', 'reason'] as const;
/** Outcomes (docs/outcomes.md): a row names its lead by Remit lead id, or by the source's external id (with `source`). */
export const OUTCOME_COLUMNS = ['leadId', 'externalId', 'source', 'kind', 'value', 'currency', 'reasonCode', 'note', 'closedAt'] as const;

const Delimiter = z.string().length(1).describe('Column separator (default ",").');

export const LeadImportMappingSchema = SourceMappingSchema.extend({ kind: z.literal('leads').optional(), delimiter: Delimiter.optional() });
export const AccountImportMappingSchema = z.strictObject({
  kind: z.literal('accounts'),
  delimiter: Delimiter.optional(),
  fields: z.partialRecord(z.enum(ACCOUNT_COLUMNS), z.string().min(1)).default({}),
});
export const SuppressionImportMappingSchema = z.strictObject({
  kind: z.literal('suppression'),
  delimiter: Delimiter.optional(),
  fields: z.partialRecord(z.enum(SUPPRESSION_COLUMNS), z.string().min(1)).default({}),
});

export type AccountImportMapping = z.infer<typeof AccountImportMappingSchema>;
export type SuppressionImportMapping = z.infer<typeof SuppressionImportMappingSchema>;

/** Column names `remit import` understands without a mapping file (case and spaces ignored), by intake field. */
const CONVENTIONAL_LEAD_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  externalId: ['external_id', 'externalid', 'id', 'lead_id'],
  source: ['source', 'lead_source'],
  product: ['product', 'product_id', 'product_interest'],
  'person.firstName': ['first_name', 'firstname', 'given_name'],
  'person.lastName': ['last_name', 'lastname', 'surname', 'family_name'],
  'person.email': ['email', 'email_address'],
  'person.phone': ['phone', 'phone_number', 'mobile', 'telephone'],
  'person.dateOfBirth': ['date_of_birth', 'dob', 'birthdate'],
  'company.name': ['company', 'company_name', 'organisation', 'organization'],
  'company.website': ['website', 'company_website'],
  'company.email': ['company_email', 'organisation_email', 'organization_email'],
  'company.phone': ['company_phone', 'switchboard', 'organisation_phone', 'organization_phone'],
  'address.country': ['country', 'country_code'],
  'address.state': ['state', 'region', 'subdivision', 'province'],
  'address.postalCode': ['postal_code', 'postcode', 'zip', 'zip_code'],
  'address.city': ['city', 'town'],
  'address.line1': ['address', 'street', 'address_line1', 'line1'],
  timeZone: ['time_zone', 'timezone'],
  language: ['language', 'lang'],
  dealValue: ['deal_value', 'dealvalue', 'amount'],
  currency: ['currency'],
};

const columnKey = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** The mapping used without --mapping: conventional column names (or intake paths such as "person.email" as headers), source "csv". */
export function conventionalLeadMapping(header: readonly string[]): SourceMapping {
  const fields: Record<string, string> = {};
  for (const column of header) {
    const key = columnKey(column);
    const target = Object.entries(CONVENTIONAL_LEAD_COLUMNS).find(
      ([path, names]) => names.includes(key) || path.toLowerCase() === column.trim().toLowerCase(),
    )?.[0];
    if (target !== undefined && !(target in fields)) fields[target] = column;
  }
  return { fields, defaults: { source: 'csv' }, hidden: [] };
}

export const OutcomeImportMappingSchema = z.strictObject({
  kind: z.literal('outcomes'),
  delimiter: Delimiter.optional(),
  fields: z.partialRecord(z.enum(OUTCOME_COLUMNS), z.string().min(1)).default({}),
});
export type OutcomeImportMapping = z.infer<typeof OutcomeImportMappingSchema>;
