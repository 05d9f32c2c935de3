export type { Lead } from './lead.schema.ts';
