import type { EvaluationContext } from './evaluation-context.ts';

export type FieldType = 'string' | 'number' | 'boolean' | 'string[]' | 'jurisdiction' | 'timezone';

export interface FieldDefinition {
  readonly name: string;
  readonly type: FieldType;
  readonly description: string;
  read(ctx: EvaluationContext): unknown;
}

const field = (name: string, type: FieldType, description: string, read: (ctx: EvaluationContext) => unknown): FieldDefinition => ({
  name,
  type,
  description,
  read,
});

/** Lead, account, screening and score fields a rule may test. Custom fields are added per org. */
export const BUILT_IN_FIELDS: readonly FieldDefinition[] = [
  field('jurisdiction', 'jurisdiction', 'Most specific ISO code of the lead (US-TX, or GB)', (c) => c.lead.jurisdiction),
  field('country', 'string', 'ISO 3166-1 alpha-2 country', (c) => c.lead.jurisdiction.slice(0, 2)),
  field('subdivision', 'string', 'ISO 3166-2 subdivision, if known', (c) =>
    c.lead.jurisdiction.length > 2 ? c.lead.jurisdiction : undefined,
  ),
  field(
    'customerType',
    'string',
    'Effective customer type after suitability policy (retail/professional/eligible_counterparty)',
    (c) => c.customer.effectiveType,
  ),
  field('declaredCustomerType', 'string', 'Customer type as declared on the lead', (c) => c.lead.customer.classification.category),
  field('customerKind', 'string', 'person or organisation', (c) => c.lead.customer.kind),
  field('customerStatuses', 'string[]', 'Valid certified statuses (hnw, accredited …)', (c) => c.customer.validStatuses),
  field('product', 'string', 'Product id', (c) => c.lead.product),
  field('productLines', 'string[]', 'Product lines of the product', (c) => c.product.productLines),
  field('productComplexity', 'string', 'non_complex or complex', (c) => c.product.complexity),
  field('score', 'number', 'Lead score', (c) => c.lead.score),
  field('grade', 'string', 'Lead grade', (c) => c.lead.grade),
  field('dealValue', 'number', 'Expected deal value', (c) => c.lead.dealValue),
  field('currency', 'string', 'ISO 4217 currency of the deal value', (c) => c.lead.currency),
  field('source', 'string', 'Lead source (web_form, partner, csv …)', (c) => c.lead.source),
  field('language', 'string', 'Preferred language, ISO 639', (c) => c.lead.language),
  field('postalCode', 'string', 'Postal code', (c) => c.lead.postalCode),
  field('timeZone', 'timezone', 'IANA time zone of the prospect', (c) => c.lead.timeZone),
  field('account.id', 'string', 'Matched account id', (c) => c.lead.account?.id),
  field('account.ownerRep', 'string', 'Owner rep of the matched account', (c) => c.lead.account?.ownerRep),
  field('account.tier', 'string', 'Tier of the matched account', (c) => c.lead.account?.tier),
  field('company.domain', 'string', 'Company web domain, lower case without www.', (c) => c.lead.company?.domain),
  field('company.employees', 'number', 'Company headcount', (c) => c.lead.company?.employees),
  field('company.annualRevenue', 'number', 'Company annual revenue (in company.revenueCurrency)', (c) => c.lead.company?.annualRevenue),
  field('company.revenueCurrency', 'string', 'ISO 4217 currency of the annual revenue', (c) => c.lead.company?.revenueCurrency),
  field('company.industry', 'string', 'Industry code (NAICS/SIC digits) or free text, lower case', (c) => c.lead.company?.industry?.code),
  field('company.industrySystem', 'string', 'naics, sic or text', (c) => c.lead.company?.industry?.system),
  field('company.segment', 'string', 'Segment from the org bands (SMB, MM, ENT …)', (c) => c.lead.company?.segment),
  field('company.country', 'string', "ISO 3166-1 alpha-2 of the company's country", (c) => c.lead.company?.country),
  field('company.region', 'string', 'Sales region as sent or enriched', (c) => c.lead.company?.region),
  field('company.tags', 'string[]', 'Technographic tags, lower case', (c) => c.lead.company?.tags),
  field(
    'contact.matchedBy',
    'string',
    'How an earlier lead of the same person was found: email or phone',
    (c) => c.lead.contact?.matchedBy,
  ),
  field('contact.ownerRep', 'string', "The rep of the person's earlier lead", (c) => c.lead.contact?.ownerRep),
  field('screening.status', 'string', 'clear / pep / potential_match / confirmed_match', (c) => c.lead.screening.status),
  field('screening.tags', 'string[]', 'Screening tags', (c) => c.lead.screening.tags),
];

export type CustomFieldType = 'string' | 'number' | 'boolean' | 'string[]';

export function buildFieldRegistry(
  customFields: readonly { name: string; type: CustomFieldType; description?: string | undefined }[],
): ReadonlyMap<string, FieldDefinition> {
  const registry = new Map<string, FieldDefinition>();
  for (const f of BUILT_IN_FIELDS) registry.set(f.name, f);
  for (const cf of customFields) {
    const name = `custom.${cf.name}`;
    registry.set(
      name,
      field(name, cf.type, cf.description ?? 'custom field', (c) => c.lead.custom[cf.name]),
    );
  }
  return registry;
}
