export type { Lead, LeadInput } from './lead.schema.ts';
