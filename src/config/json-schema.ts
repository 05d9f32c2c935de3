import { z } from 'zod';
import { LeadSchema } from '../domain/lead/lead.schema.ts';
import { OrgConfigSchema } from '../domain/org/org-config.schema.ts';

/** JSON Schemas published from the same zod schemas that validate (docs/*.schema.json). */
export const configJsonSchema = () => ({
  $id: 'https://remit.example/schemas/remit-config.schema.json',
  title: 'Remit org and rules configuration',
  ...z.toJSONSchema(OrgConfigSchema, { io: 'input', unrepresentable: 'any' }),
});

export const leadJsonSchema = () => ({
  $id: 'https://remit.example/schemas/lead.schema.json',
  title: 'Remit lead (routing form)',
  ...z.toJSONSchema(LeadSchema, { io: 'input', unrepresentable: 'any' }),
});
